package org.saelab.examples.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as a user installs it: its jar in a {@code plugins/} folder or on {@code
 * --plugin-path}, loaded by a saelab whose class path does not hold it. The CLI runs in a
 * separate JVM whose class path is this test's minus the example's own classes and jar, so the
 * jar is the only way the plugin can be found (the first test checks exactly that).
 */
class PluginPathTest {
    private static final String NAME = "example-topk-unscaled";

    @TempDir
    static Path dir;
    private static Path jar;
    private static String hostClassPath;

    @BeforeAll
    static void findTheJarAndTheHostClassPath() throws IOException {
        jar = Path.of(System.getProperty("saelab.example.jar"));
        assertTrue(Files.isRegularFile(jar), "the build makes the jar before the tests: " + jar);
        List<Path> own = List.of(jar, Path.of(System.getProperty("saelab.example.classes")),
                Path.of(System.getProperty("saelab.example.testClasses")));
        List<String> host = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty() && own.stream().noneMatch(p -> p.toAbsolutePath().equals(Path.of(entry).toAbsolutePath()))) {
                host.add(entry);
            }
        }
        assertTrue(host.stream().anyMatch(e -> e.contains("runner")), "the runner is on the host class path: " + host);
        hostClassPath = String.join(File.pathSeparator, host);
        Files.createDirectories(dir.resolve("home/plugins"));
        Files.copy(jar, dir.resolve("home/plugins").resolve(jar.getFileName()));
        Files.createDirectories(dir.resolve("elsewhere"));
        Files.copy(jar, dir.resolve("elsewhere").resolve(jar.getFileName()));
    }

    private record Result(int exitCode, String out) {}

    /** {@code java -cp <host> [-Dsaelab.home=home] org.saelab.runner.cli.Main args...}. */
    private static Result saelab(Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.awt.headless=true", "-cp", hostClassPath));
        if (home != null) {
            command.add("-Dsaelab.home=" + home);
        }
        command.add("org.saelab.runner.cli.Main");
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_NUM_THREADS", "1");
        Path log = Files.createTempFile(dir, "saelab", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "saelab " + String.join(" ", args) + " did not finish");
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static List<String> architectures(String listOutput) {
        String section = listOutput.substring(listOutput.indexOf("Architectures:"), listOutput.indexOf("Loss terms:"));
        return section.lines().skip(1).map(String::strip).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+")[0])
                .collect(Collectors.toList());
    }

    @Test
    void withoutTheJarSaelabDoesNotKnowThePlugin() throws Exception {
        Result list = saelab(null, "list");
        assertEquals(0, list.exitCode(), list.out());
        List<String> names = architectures(list.out());
        assertTrue(names.contains("batchtopk"), list.out());
        assertFalse(names.contains(NAME), "the example must not be on the host class path: " + list.out());
    }

    @Test
    void listShowsThePluginFromThePluginsFolderOfTheHome() throws Exception {
        Result list = saelab(dir.resolve("home"), "list");
        assertEquals(0, list.exitCode(), list.out());
        assertTrue(architectures(list.out()).contains(NAME), list.out());
        assertTrue(list.out().contains("example plugin: the k largest activations of each sample"), list.out());
    }

    @Test
    void aRunUsesThePluginFromThePluginPath() throws Exception {
        Path out = dir.resolve("runs");
        Result run = saelab(null, "run", "post-case1", "--plugin-path", dir.resolve("elsewhere").toString(), "--out", out.toString(),
                "--samples", "200000", "--set", "architecture.type=" + NAME, "--set", "architecture.k=5");
        assertEquals(0, run.exitCode(), run.out());
        JsonNode result = new ObjectMapper().readTree(out.resolve("post-case1/seed0/result.json").toFile());
        assertEquals(NAME, result.at("/config/architecture/type").asText());
        assertEquals(5.0, result.at("/config/architecture/k").asDouble());
        assertTrue(result.at("/provenance/plugins").toString().contains("example-plugin"), result.at("/provenance").toString());
        double saeL0 = result.at("/metrics/saeL0").asDouble();
        assertTrue(saeL0 > 4 && saeL0 <= 5, "per-sample top 5 at inference: saeL0 " + saeL0);
    }

    @Test
    void aBadValueForThePluginsConfigIsReportedBeforeTraining() throws Exception {
        Path out = dir.resolve("bad");
        Result run = saelab(null, "run", "post-case1", "--plugin-path", dir.resolve("elsewhere").toString(), "--out", out.toString(),
                "--set", "architecture.type=" + NAME, "--set", "architecture.k=2.5");
        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.out().contains("architecture.k = 2.5"), run.out());
        assertFalse(Files.exists(out.resolve("post-case1")), "nothing written");
    }
}
