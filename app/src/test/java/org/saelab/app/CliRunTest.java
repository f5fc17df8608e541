package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run command end to end, on short runs: what it writes, overrides, reproducibility. */
class CliRunTest {
    private static final List<String> METRICS = List.of("trueL0", "saeL0", "mse", "varianceExplained", "deadLatents",
            "shrinkage", "decoderCosSims", "encoderCosSims", "maxCosPerFeature", "meanMaxCos", "minMaxCos",
            "recoveredFeatures", "mcc", "hedging");

    @TempDir
    static Path out;
    private static JsonNode first;
    private static JsonNode second;
    private static JsonNode otherSeed;
    private static Cli firstRun;
    private static Cli otherRun;

    @BeforeAll
    static void twoRunsWithTheSameSeed() throws IOException {
        firstRun = Cli.run("run", "post-case1", "--out", out.toString(), "--samples", "200000", "--seed", "7");
        assertEquals(0, firstRun.exitCode(), firstRun.err());
        Cli again = Cli.run("run", "post-case1", "--out", out.toString(), "--samples", "200000", "--seed", "7");
        assertEquals(0, again.exitCode(), again.err());
        otherRun = Cli.run("run", "post-case1", "--out", out.toString(), "--samples", "200000", "--seed", "8");
        assertEquals(0, otherRun.exitCode(), otherRun.err());
        ObjectMapper mapper = new ObjectMapper();
        first = mapper.readTree(out.resolve("post-case1/seed7/result.json").toFile());
        second = mapper.readTree(out.resolve("post-case1.2/seed7/result.json").toFile());
        otherSeed = mapper.readTree(out.resolve("post-case1.3/seed8/result.json").toFile());
    }

    @Test
    void resultHoldsEveryMetricAndTheResolvedConfig() {
        for (String metric : METRICS) {
            assertTrue(first.get("metrics").has(metric), "missing metric " + metric);
        }
        assertEquals(20, first.at("/metrics/decoderCosSims").size());
        assertEquals(20, first.at("/metrics/decoderCosSims/0").size());
        assertEquals("post20", first.at("/config/sampler/type").asText());
        assertEquals("batchtopk", first.at("/config/architecture/type").asText());
        assertEquals(5.0, first.at("/metrics/trueL0").asDouble(), 0.05);
        assertEquals(7, first.at("/provenance/seed").asLong());
        assertEquals(64, first.at("/provenance/configHash").asText().length());
        assertTrue(first.at("/provenance/samplesPerSecond").asDouble() > 0);
        assertTrue(first.at("/loss/curve").size() > 10);
    }

    @Test
    void seedAndSamplesChangeWhatTheySay() {
        assertEquals(7, first.at("/config/training/seed").asLong());
        assertEquals(200000, first.at("/config/training/samples").asLong());
        assertTrue(firstRun.out().contains("training 200,000 samples (196 steps of 1024)"), firstRun.out());
        assertTrue(otherRun.out().contains("seed8"), otherRun.out());
        assertEquals(8, otherSeed.at("/config/training/seed").asLong());
    }

    @Test
    void sameSeedGivesIdenticalMetricsAndAnotherSeedDoesNot() {
        assertEquals(first.get("metrics"), second.get("metrics"));
        assertEquals(first.get("loss"), second.get("loss"));
        assertEquals(first.at("/provenance/configHash"), second.at("/provenance/configHash"));
        assertNotEquals(first.get("metrics"), otherSeed.get("metrics"));
    }

    @Test
    void sameSeedGivesByteIdenticalSaeWeights() throws IOException {
        byte[] a = Files.readAllBytes(out.resolve("post-case1/seed7/sae/sae_weights.safetensors"));
        byte[] b = Files.readAllBytes(out.resolve("post-case1.2/seed7/sae/sae_weights.safetensors"));
        byte[] c = Files.readAllBytes(out.resolve("post-case1.3/seed8/sae/sae_weights.safetensors"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c), "another seed, other weights");
    }

    @Test
    void diffShowsNothingForTheSameSeedAndTheSeedForAnother() {
        Cli same = Cli.run("diff", out.resolve("post-case1/seed7").toString(), out.resolve("post-case1.2/seed7").toString());
        assertEquals(0, same.exitCode(), same.err());
        assertTrue(same.out().startsWith("identical config, metrics, loss and provenance"), same.out());
        Cli other = Cli.run("diff", out.resolve("post-case1/seed7").toString(), out.resolve("post-case1.3/seed8").toString());
        assertTrue(other.out().contains("config.training.seed: 7 → 8"), other.out());
        assertTrue(other.out().contains("metrics.mse: "), other.out());
    }

    @Test
    void heatmapsAreWrittenAndNoPartialFolderRemains() throws IOException {
        Path run = out.resolve("post-case1/seed7");
        assertTrue(ImageIO.read(run.resolve("decoder_cos.png").toFile()).getWidth() > 200);
        assertTrue(ImageIO.read(run.resolve("encoder_cos.png").toFile()).getWidth() > 200);
        try (var files = Files.list(out.resolve("post-case1"))) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void listShowsEveryPluginWithADescription() {
        Cli list = Cli.run("list");
        assertEquals(0, list.exitCode(), list.err());
        for (String name : List.of("post20", "batchtopk", "mse", "auxk", "post-case1", "recoveredFeatures", "mcc",
                "hedging")) {
            assertTrue(list.out().lines().anyMatch(line -> line.strip().startsWith(name + " ") && line.strip().length()
                    > name.length() + 10), "list shows " + name + " with a description:\n" + list.out());
        }
    }
}
