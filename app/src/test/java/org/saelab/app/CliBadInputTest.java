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
        "unknown experiment    | no-such-experiment | -                                  | unknown experiment 'no-such-experiment'; known: post-case1, post-case2, post-case3, post-k6, post-k8",
        "unknown architecture  | post-case1         | architecture.type=fancy            | architecture.type = fancy: unknown architecture; known: batchtopk",
        "unknown sampler       | post-case1         | sampler.type=nope                  | sampler.type = nope: unknown sampler; known: file, post20",
        "unknown loss term     | post-case1         | loss.1.type=l7                     | loss.1.type = l7: unknown loss term; known: auxk, mse",
        "k zero                | post-case1         | architecture.k=0                   | architecture.k = 0.0: must be > 0",
        "k negative            | post-case1         | architecture.k=-2                  | architecture.k = -2.0: must be > 0",
        "k above width         | post-case1         | architecture.k=21                  | architecture.k = 21.0: must be <= architecture.dSae (20)",
        "probability above one | post-case1         | sampler.p0=1.5                     | sampler.p0 = 1.5",
        "probability negative  | post-case1         | sampler.pLast=-0.1                 | sampler.pLast = -0.1",
        "unknown set path      | post-case1         | architecture.kk=3                  | --set architecture.kk: unknown path; known: dSae, k, type",
        "not a number          | post-case1         | training.batchSize=lots            | training.batchSize",
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

    private static boolean isEmpty(Path dir) {
        try (var files = Files.list(dir)) {
            return files.findAny().isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
