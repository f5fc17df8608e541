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
import org.saelab.api.Kernels;

/** {@code saelab bench} prints the kernels in use, the loop and its phases, and writes them as JSON. */
class CliBenchTest {
    @TempDir
    Path dir;

    @Test
    void benchPrintsTheKernelsAndPhasesAndWritesThem() throws IOException {
        Cli cli = Cli.run("bench", "post-case1", "--samples", "20480", "--out", dir.toString());
        assertEquals(0, cli.exitCode(), cli.err());
        String expectedKernels = Kernels.nativeInUse() ? "kernels: native, in use (AVX2 + FMA)" : "kernels: Java";
        assertTrue(cli.out().contains(expectedKernels), cli.out());
        for (String phase : new String[] {"data generation", "encode", "top-k selection", "optimiser", "peak heap"}) {
            assertTrue(cli.out().contains(phase), "missing " + phase + " in " + cli.out());
        }
        // natively, with the auxk term idle (no latent dead yet), every step runs the fused pass
        String[] rest = Kernels.nativeAvailable()
                ? new String[] {org.saelab.runner.train.PhaseBenchmark.FUSED}
                : new String[] {"decode", "loss terms (+ decoder backward)", "encoder backward"};
        for (String phase : rest) {
            assertTrue(cli.out().contains(phase), "missing " + phase + " in " + cli.out());
        }
        JsonNode json = new ObjectMapper().readTree(dir.resolve("bench").resolve("post-case1.json").toFile());
        assertEquals(20480, json.get("samples").asLong());
        assertTrue(json.get("kernels").asText().startsWith(Kernels.nativeInUse() ? "native" : "Java"), json.toString());
        // data, encode, top-k, the rest, optimiser, evaluation
        assertEquals(5 + rest.length, json.get("phaseSeconds").size());
        assertTrue(json.get("samplesPerSecond").asDouble() > 0);
    }
}
