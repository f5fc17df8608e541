package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An experiment of several variants and seeds, trained in parallel and one by one: the same
 * results, an experiment record, and a report whose claims carry numbers and verdicts.
 */
class SweepTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> RUNS = List.of("k5/seed3", "k5/seed4", "k4/seed3", "k4/seed4");

    @TempDir
    static Path out;
    private static Cli parallel;

    @BeforeAll
    static void runTwice() {
        parallel = Cli.run("run", "post-case2", "--out", out.resolve("parallel").toString(), "--samples", "60000",
                "--seeds", "3,4", "--threads", "2", "--set", "evaluation.samples=5000");
        assertEquals(0, parallel.exitCode(), parallel.err());
        Cli sequential = Cli.run("run", "post-case2", "--out", out.resolve("sequential").toString(), "--samples", "60000",
                "--seeds", "3,4", "--threads", "1", "--set", "evaluation.samples=5000");
        assertEquals(0, sequential.exitCode(), sequential.err());
    }

    private static JsonNode result(String mode, String run) throws IOException {
        return JSON.readTree(out.resolve(mode).resolve("post-case2").resolve(run).resolve("result.json").toFile());
    }

    private static Path weights(String mode, String run) {
        return out.resolve(mode).resolve("post-case2").resolve(run).resolve("sae/sae_weights.safetensors");
    }

    @Test
    void parallelAndSequentialSweepsGiveIdenticalResults() throws IOException {
        for (String run : RUNS) {
            JsonNode a = result("parallel", run);
            JsonNode b = result("sequential", run);
            assertEquals(a.get("metrics"), b.get("metrics"), run);
            assertEquals(a.get("loss"), b.get("loss"), run);
            assertEquals(a.get("config"), b.get("config"), run);
            assertEquals(a.at("/provenance/derivedSeeds"), b.at("/provenance/derivedSeeds"), run);
            assertArrayEquals(Files.readAllBytes(weights("parallel", run)), Files.readAllBytes(weights("sequential", run)),
                    run + ": the same weights, byte for byte");
        }
        assertTrue(!result("parallel", "k5/seed3").get("metrics").equals(result("parallel", "k5/seed4").get("metrics")),
                "another seed is another run");
    }

    @Test
    void runsOfOneSeedShareTheirDataStreams() throws IOException {
        JsonNode k5 = result("parallel", "k5/seed3");
        JsonNode k4 = result("parallel", "k4/seed3");
        assertEquals(k5.at("/provenance/derivedSeeds"), k4.at("/provenance/derivedSeeds"));
        assertEquals(k5.at("/metrics/trueL0"), k4.at("/metrics/trueL0"), "the same evaluation batch");
        assertEquals(4.0, k4.at("/metrics/saeL0").asDouble(), 1e-9);
        assertTrue(k5.at("/metrics").has("mse@k4") && k5.at("/metrics").has("mse@k3"), "k = 5 is also cut to 4 and 3");
        assertEquals(4.0, k5.at("/metrics/saeL0@k4").asDouble(), 1e-9);
    }

    @Test
    void theRecordListsEveryRunAndIsComplete() throws IOException {
        JsonNode record = JSON.readTree(out.resolve("parallel/post-case2/experiment.json").toFile());
        assertTrue(record.get("complete").asBoolean());
        assertEquals(4, record.get("runs").size());
        assertEquals("[3,4]", record.get("seeds").toString());
    }

    @Test
    void theReportStatesEveryClaimWithNumbersAndAVerdict() throws IOException {
        String md = Files.readString(out.resolve("parallel/post-case2/report.md"));
        long claimLines = md.lines().filter(l -> l.startsWith("| k = 4") || l.startsWith("| the broken")).count();
        assertEquals(3, claimLines, md);
        for (String line : md.lines().filter(l -> l.startsWith("| k = 4") || l.startsWith("| the broken")).toList()) {
            assertTrue(line.matches(".*\\d\\.\\d+.*\\*\\*(holds|does not hold)\\*\\* \\|"), line);
        }
        for (String run : RUNS) {
            assertTrue(md.contains("(" + run + "/decoder_cos.png)"), run);
            assertTrue(md.contains("(" + run + "/hedging.png)"), run);
        }
        String html = Files.readString(out.resolve("parallel/post-case2/report.html"));
        assertEquals(8, html.split("src=\"data:image/png;base64,", -1).length - 1, "every picture embedded");
        assertTrue(parallel.out().contains("claim: k = 4 < true L0"), parallel.out());
    }

    @Test
    void theReportCommandRebuildsTheSameReport() throws IOException {
        Path dir = out.resolve("sequential/post-case2");
        byte[] md = Files.readAllBytes(dir.resolve("report.md"));
        byte[] html = Files.readAllBytes(dir.resolve("report.html"));
        Files.delete(dir.resolve("report.md"));
        Cli report = Cli.run("report", dir.toString());
        assertEquals(0, report.exitCode(), report.err());
        assertArrayEquals(md, Files.readAllBytes(dir.resolve("report.md")));
        assertArrayEquals(html, Files.readAllBytes(dir.resolve("report.html")));
    }

    @Test
    void aReportOfAnUnfinishedExperimentMarksClaimsNotMeasured() throws IOException {
        Path copy = out.resolve("partial/post-case2");
        Files.createDirectories(copy.resolve("k5"));
        Files.copy(out.resolve("parallel/post-case2/experiment.json"), copy.resolve("experiment.json"));
        Files.createDirectories(copy.resolve("k5/seed3"));
        Files.copy(out.resolve("parallel/post-case2/k5/seed3/result.json"), copy.resolve("k5/seed3/result.json"));
        Cli report = Cli.run("report", copy.toString());
        assertEquals(0, report.exitCode(), report.err());
        assertTrue(report.out().contains("1 of 4 runs finished"), report.out());
        String md = Files.readString(copy.resolve("report.md"));
        assertEquals(3, md.lines().filter(l -> l.endsWith("**not measured** |")).count(), md);
    }
}
