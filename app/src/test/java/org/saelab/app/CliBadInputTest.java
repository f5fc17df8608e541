package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input stops the run before any training: exit code 2, one line naming the field and the
 * value, and nothing written under the output folder.
 */
class CliBadInputTest {
    @TempDir
    Path out;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown experiment    | no-such-experiment | -                                  | unknown experiment 'no-such-experiment'; known: arch-calibrate-l1, arch-compare, post-all, post-case1",
        "unknown architecture  | post-case1         | architecture.type=fancy            | architecture.type = fancy: unknown architecture; known: batchtopk, matryoshka-batchtopk, standard, topk",
        "unknown sampler       | post-case1         | sampler.type=nope                  | sampler.type = nope: unknown sampler; known: file, post20",
        "unknown loss term     | post-case1         | loss.1.type=l7                     | loss.1.type = l7: unknown loss term; known: auxk, l1, mse, multi-l0",
        "k zero                | post-case1         | architecture.k=0                   | architecture.k = 0.0: must be > 0",
        "k negative            | post-case1         | architecture.k=-2                  | architecture.k = -2.0: must be > 0",
        "k above width         | post-case1         | architecture.k=21                  | architecture.k = 21.0: must be <= architecture.dSae (20)",
        "probability above one | post-case1         | sampler.p0=1.5                     | sampler.p0 = 1.5",
        "probability negative  | post-case1         | sampler.pLast=-0.1                 | sampler.pLast = -0.1",
        "unknown set path      | post-case1         | architecture.kk=3                  | --set architecture.kk: unknown path; did you mean k?; known: dSae, k, type",
        "not a number          | post-case1         | training.batchSize=lots            | training.batchSize",
        "seed through --set    | post-case1         | training.seed=3                    | training.seed = 3: an experiment runs every seed of its list",
        "bad k schedule        | post-case1         | training.kSchedule.type=cosine     | training.kSchedule.type = cosine: must be constant or linear",
        "negative snapshots    | post-case1         | training.snapshotEvery=-5          | training.snapshotEvery = -5: must be >= 0",
        "bad extra k           | post-case1         | evaluation.extraK=[4, -1]          | evaluation.extraK.1 = -1.0: must be a number > 0",
        "SAELens field name    | post-case1         | training.lr=0.001                  | --set training.lr: unknown path; did you mean learningRate?",
        "misspelt field        | post-case1         | architecture.dsae=30               | --set architecture.dsae: unknown path; did you mean dSae?",
        "heap too small        | post-case1         | evaluation.samples=900000000       | memory: 1 run(s) at once need about",
    })
    void rejectedBeforeTraining(String what, String experiment, String assignment, String expected) {
        Cli cli = assignment.equals("-")
                ? Cli.run("run", experiment, "--out", out.toString())
                : Cli.run("run", experiment, "--out", out.toString(), "--set", assignment);
        assertEquals(2, cli.exitCode(), what + ": " + cli.err());
        String message = cli.err().strip();
        assertEquals(1, message.lines().count(), "one line: " + message);
        assertTrue(message.startsWith("error: ") && message.contains(expected), message);
        assertFalse(cli.out().contains("training"), "no training started: " + cli.out());
        assertTrue(isEmpty(out), "nothing written");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown variant       | post-case2 --only k7                | --only k7: unknown variant; known: k5, k4",
        "repeated seeds        | post-case1 --seeds 1,1              | --seeds [1, 1]: seeds must be a non-empty list without repeats",
        "seed and seeds        | post-case1 --seed 1 --seeds 2,3     | --seed and --seeds: give one of them",
        "no threads            | post-case1 --threads 0              | --threads = 0: must be >= 1",
        "schedule above width  | post-k-decay --set training.kSchedule.start=30 | training.kSchedule = 30.0 → 2.0: k must stay <= the SAE's width (20)",
    })
    void badCommandLinesAreRejectedBeforeTraining(String what, String arguments, String expected) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--out", out.toString()));
        args.addAll(java.util.List.of(arguments.trim().split("\\s+")));
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertEquals(2, cli.exitCode(), what + ": " + cli.err());
        String message = cli.err().strip();
        assertTrue(message.startsWith("error: ") && message.contains(expected), message);
        assertFalse(cli.out().contains("training"), "no training started: " + cli.out());
        assertTrue(isEmpty(out), "nothing written");
    }

    private static boolean isEmpty(Path dir) {
        try (var files = Files.list(dir)) {
            return files.findAny().isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
