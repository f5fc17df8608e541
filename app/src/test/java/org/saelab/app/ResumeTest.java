package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saelab.runner.cli.Main;

/**
 * A run killed with SIGKILL in the middle of training, then resumed, ends with exactly the
 * weights (so the metrics and loss curve) of a run never interrupted.
 */
class ResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLES = "1000000";

    @TempDir
    Path out;

    @Test
    void aKilledRunResumesToTheResultOfAnUninterruptedOne() throws Exception {
        Path killedOut = out.resolve("killed");
        Process child = new ProcessBuilder(javaCommand("run", "post-case1", "--samples", SAMPLES, "--checkpoint-every",
                "50", "--out", killedOut.toString()))
                .redirectErrorStream(true).redirectOutput(out.resolve("child.log").toFile()).start();
        Path experiment = killedOut.resolve("post-case1");
        Path checkpoint = experiment.resolve(".checkpoints/seed0.safetensors");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        // wait for a checkpoint past the first, so the kill lands mid-training after some progress
        while (!(Files.exists(checkpoint) && Files.size(checkpoint) > 0 && checkpointsSeen(checkpoint) >= 2)) {
            assertTrue(child.isAlive(), "child ended early: " + Files.readString(out.resolve("child.log")));
            assertTrue(System.nanoTime() < deadline, "no checkpoint within 3 minutes");
            Thread.sleep(20);
        }
        child.destroyForcibly(); // SIGKILL on Linux
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertFalse(Files.exists(experiment.resolve("seed0")), "the killed run left no result folder");
        assertFalse(JSON.readTree(experiment.resolve("experiment.json").toFile()).get("complete").asBoolean());

        Cli resumed = Cli.run("run", "--resume", experiment.toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("resuming 1 of 1 runs"), resumed.out());
        assertFalse(Files.exists(experiment.resolve(".checkpoints")), "checkpoints removed once finished");

        Cli straight = Cli.run("run", "post-case1", "--samples", SAMPLES, "--checkpoint-every", "0", "--out",
                out.resolve("straight").toString());
        assertEquals(0, straight.exitCode(), straight.err());
        JsonNode a = JSON.readTree(experiment.resolve("seed0/result.json").toFile());
        JsonNode b = JSON.readTree(out.resolve("straight/post-case1/seed0/result.json").toFile());
        assertEquals(b.get("metrics"), a.get("metrics"));
        assertEquals(b.get("loss"), a.get("loss"));
        assertEquals(b.get("config"), a.get("config"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                Files.readAllBytes(out.resolve("straight/post-case1/seed0/sae/sae_weights.safetensors")),
                Files.readAllBytes(experiment.resolve("seed0/sae/sae_weights.safetensors")),
                "the resumed run's weights equal the uninterrupted run's, byte for byte");
        assertTrue(JSON.readTree(experiment.resolve("experiment.json").toFile()).get("complete").asBoolean());
    }

    private int seen;
    private long lastModified;

    /** Counts the distinct checkpoint writes observed (each replaces the file atomically). */
    private int checkpointsSeen(Path checkpoint) throws IOException {
        long modified = Files.getLastModifiedTime(checkpoint).toMillis() * 1000 + Files.size(checkpoint) % 1000;
        if (modified != lastModified) {
            lastModified = modified;
            seen++;
        }
        return seen;
    }

    @Test
    void resumingWithNothingLeftOnlyRebuildsTheReport() {
        Cli first = Cli.run("run", "post-case1", "--samples", "20000", "--out", out.toString());
        assertEquals(0, first.exitCode(), first.err());
        Cli again = Cli.run("run", "--resume", out.resolve("post-case1").toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("every run of"), again.out());
    }

    @Test
    void resumeRefusesOverridesAndMissingFolders() {
        Cli withSet = Cli.run("run", "--resume", out.toString(), "--set", "architecture.k=4");
        assertEquals(2, withSet.exitCode());
        assertTrue(withSet.err().contains("give no experiment, --seed(s), --samples, --set, --config or --only"),
                withSet.err());
        Cli missing = Cli.run("run", "--resume", out.resolve("nope").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("no such folder"), missing.err());
        Cli notAnExperiment = Cli.run("run", "--resume", out.toString());
        assertEquals(2, notAnExperiment.exitCode());
        assertTrue(notAnExperiment.err().contains("is not an experiment folder (no experiment.json)"),
                notAnExperiment.err());
    }

    @Test
    void aCorruptCheckpointIsRejectedWithItsName() throws IOException {
        Cli first = Cli.run("run", "post-case1", "--samples", "20000", "--out", out.toString());
        assertEquals(0, first.exitCode(), first.err());
        Path experiment = out.resolve("post-case1");
        // pretend the run was interrupted: no result, a truncated checkpoint
        Files.walk(experiment.resolve("seed0")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        Files.createDirectories(experiment.resolve(".checkpoints"));
        Files.write(experiment.resolve(".checkpoints/seed0.safetensors"), new byte[] {1, 2, 3});
        Cli resumed = Cli.run("run", "--resume", experiment.toString());
        assertTrue(resumed.exitCode() != 0);
        assertTrue(resumed.err().contains("checkpoint " + experiment.resolve(".checkpoints/seed0.safetensors")),
                resumed.err());
        assertFalse(Files.exists(experiment.resolve("seed0")), "no result from a bad checkpoint");
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.awt.headless=true");
        // the same kernels as this JVM (the Vector API module, when the test runner adds it), so both halves match
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }
}
