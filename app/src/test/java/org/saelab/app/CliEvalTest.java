package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saelab.api.io.Npy;

/** A run's sae/ folder read back by the eval command scores what the run scored in threshold mode. */
class CliEvalTest {
    @TempDir
    Path out;

    @Test
    void evalOfTheExportedSaeMatchesTheRunsThresholdModeMetrics() throws IOException {
        Cli run = Cli.run("run", "post-case1", "--out", out.toString(), "--samples", "200000", "--seed", "5",
                "--set", "evaluation.inference=threshold", "--set", "evaluation.samples=20000");
        assertEquals(0, run.exitCode(), run.err());
        Path runDir = out.resolve("post-case1/seed5");
        assertEquals(20000, Npy.header(runDir.resolve("eval_inputs.npy")).shape()[0]);
        assertEquals(20, Npy.header(runDir.resolve("true_directions.npy")).shape()[0]);
        assertEquals(20, Npy.header(runDir.resolve("eval_features.npy")).shape()[1]);

        Cli load = Cli.run("load", runDir.resolve("sae").toString());
        assertEquals(0, load.exitCode(), load.err());
        assertTrue(load.out().contains("jumprelu SAE, d_in 50, d_sae 20"), load.out());

        Cli eval = Cli.run("eval", "--sae", runDir.resolve("sae").toString(), "--sampler", "post20", "--seed", "5",
                "--samples", "20000", "--out", out.resolve("eval").toString());
        assertEquals(0, eval.exitCode(), eval.err());
        ObjectMapper mapper = new ObjectMapper();
        JsonNode trained = mapper.readTree(runDir.resolve("result.json").toFile()).get("metrics");
        JsonNode loaded = mapper.readTree(out.resolve("eval/result.json").toFile()).get("metrics");
        for (String name : new String[] {"mse", "varianceExplained", "saeL0", "trueL0", "mcc", "hedging"}) {
            double expected = trained.get(name).asDouble();
            assertEquals(expected, loaded.get(name).asDouble(), 1e-5 * Math.max(1, Math.abs(expected)), name);
        }
        assertTrue(eval.out().contains("mse"), eval.out());
    }

    @Test
    void evalOfABrokenFolderNamesTheFileAndExitsWithTwo() throws IOException {
        Path sae = Files.createDirectories(out.resolve("broken"));
        Files.writeString(sae.resolve("cfg.json"), "{\"architecture\": \"jumprelu\", \"d_in\": 50}");
        Cli eval = Cli.run("eval", "--sae", sae.toString());
        assertEquals(2, eval.exitCode());
        assertTrue(eval.err().contains(sae.resolve("cfg.json") + ": field d_sae is missing"), eval.err());
    }
}
