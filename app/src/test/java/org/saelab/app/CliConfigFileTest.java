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

/** --config FILE patches the resolved spec; --set applies after it. */
class CliConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void yamlFileAndSetOverrideTheExperiment() throws IOException {
        Path config = dir.resolve("overrides.yaml");
        Files.writeString(config, "architecture:\n  k: 4\ntraining:\n  samples: 100000\n  learningRate: 0.001\n");
        Cli cli = Cli.run("run", "post-case1", "--out", dir.resolve("runs").toString(), "--config", config.toString(),
                "--set", "training.learningRate=0.0005");
        assertEquals(0, cli.exitCode(), cli.err());
        JsonNode result = new ObjectMapper().readTree(dir.resolve("runs/post-case1/seed0/result.json").toFile());
        assertEquals(4.0, result.at("/config/architecture/k").asDouble());
        assertEquals(100000, result.at("/config/training/samples").asLong());
        assertEquals(0.0005, result.at("/config/training/learningRate").asDouble());
        assertEquals(4.0, result.at("/metrics/saeL0").asDouble(), 1e-9, "inference at the configured k");
    }

    @Test
    void unknownFieldsInTheFileAreAllReportedBeforeTraining() throws IOException {
        Path config = dir.resolve("bad.json");
        Files.writeString(config, "{\"architecture\": {\"kk\": 4}, \"trainig\": {}}");
        Cli cli = Cli.run("run", "post-case1", "--out", dir.resolve("runs").toString(), "--config", config.toString());
        assertEquals(2, cli.exitCode(), cli.err());
        assertTrue(cli.err().contains("architecture.kk: unknown field"), cli.err());
        assertTrue(cli.err().contains("trainig: unknown field"), cli.err());
        assertTrue(!Files.exists(dir.resolve("runs")), "nothing written");
    }
}
