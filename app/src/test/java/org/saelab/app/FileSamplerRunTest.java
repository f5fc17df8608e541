package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training from a file written by {@code saelab sample} recovers the features as the in-memory
 * sampler does: the file's first rows are the training data of a run with the same seed, its
 * last rows are held out for evaluation.
 */
class FileSamplerRunTest {
    @TempDir
    Path out;

    @Test
    void trainingFromAFileOfPost20DataRecoversTheFeaturesAsTheInMemorySamplerDoes() throws IOException {
        // 586 steps of 1024 = 600,064 training rows, plus 20,000 held out for evaluation
        Cli sample = Cli.run("sample", "post20", "--samples", "620064", "--seed", "4", "--out", out.resolve("data/x.npy").toString());
        assertEquals(0, sample.exitCode(), sample.err());
        assertTrue(Files.exists(out.resolve("data/x.directions.npy")));
        String[] common = {"--samples", "600064", "--seed", "4", "--set", "evaluation.samples=20000"};
        Cli memory = Cli.run(concat(new String[] {"run", "post-case1", "--out", out.resolve("memory").toString()}, common));
        assertEquals(0, memory.exitCode(), memory.err());
        Cli file = Cli.run(concat(new String[] {"run", "post-case1", "--out", out.resolve("file").toString(),
                // "data" is another name of the sampler field
                "--set", "data.type=file", "--set", "data.path=" + out.resolve("data/x.npy"),
                "--set", "data.directions=" + out.resolve("data/x.directions.npy"), "--set", "data.heldOut=20000"}, common));
        assertEquals(0, file.exitCode(), file.err());
        assertTrue(file.out().contains("note: skipped for lack of ground truth: trueL0"), file.out());

        ObjectMapper mapper = new ObjectMapper();
        JsonNode a = mapper.readTree(out.resolve("memory/post-case1/seed4/result.json").toFile()).get("metrics");
        JsonNode b = mapper.readTree(out.resolve("file/post-case1/seed4/result.json").toFile()).get("metrics");
        assertFalse(b.has("trueL0"));
        // same training rows, same seeds: the decoders agree; the evaluation batches differ
        for (String name : new String[] {"recoveredFeatures", "mcc", "meanMaxCos", "minMaxCos", "decoderPairwiseCos"}) {
            assertEquals(a.get(name).asDouble(), b.get(name).asDouble(), 1e-4, name + " in memory " + a.get(name) + ", file " + b.get(name));
        }
        assertEquals(a.get("mse").asDouble(), b.get("mse").asDouble(), 0.05 * a.get("mse").asDouble(), "mse on different held-out batches");
        assertTrue(b.get("recoveredFeatures").asDouble() >= 1, "some features recovered after 600k samples: " + b);
        assertTrue(Files.exists(out.resolve("file/post-case1/seed4/sae/cfg.json")));
        assertTrue(Files.exists(out.resolve("file/post-case1/seed4/decoder_cos.png")));
    }

    @Test
    void aMissingFileStopsTheRunBeforeTrainingWithExitCodeTwo() {
        Cli run = Cli.run("run", "post-case1", "--out", out.toString(), "--set", "sampler.type=file",
                "--set", "sampler.path=" + out.resolve("absent.npy"));
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("absent.npy: file not found"), run.err());
        assertFalse(Files.exists(out.resolve("post-case1")), "nothing written");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
