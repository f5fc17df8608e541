package org.saelab.runner.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.saelab.runner.train.SideTask;

/** Facts about the build and machine that every result records. */
public final class ProvenanceInfo {
    private static final Properties BUILD = load();
    private static final Map<String, SideTask<String>> COMMITS = new ConcurrentHashMap<>();

    private ProvenanceInfo() {}

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = ProvenanceInfo.class.getResourceAsStream("/org/saelab/runner/version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // provenance falls back to "unknown"
        }
        return properties;
    }

    public static String projectVersion() {
        return BUILD.getProperty("version", "unknown");
    }

    public static String nd4jVersion() {
        return BUILD.getProperty("nd4j.version", "unknown");
    }

    public static String backend() {
        try {
            return org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName();
        } catch (RuntimeException | LinkageError e) {
            return "unavailable: " + e;
        }
    }

    /**
     * The git commit of the saelab checkout (from -Dsaelab.home), or "unknown". Asked of git once
     * per checkout and JVM (two processes, tens of milliseconds; the CLI asks as a command
     * starts): every run of one command records the same commit.
     */
    public static String gitCommit() {
        String home = System.getProperty("saelab.home");
        if (home == null) {
            return "unknown";
        }
        return commitQuery(home).joinUnchecked();
    }

    /** Starts asking git for {@link #gitCommit()} on a background thread, so that it is known when a run ends. */
    public static void prefetchGitCommit() {
        String home = System.getProperty("saelab.home");
        if (home != null) {
            commitQuery(home);
        }
    }

    private static SideTask<String> commitQuery(String home) {
        return COMMITS.computeIfAbsent(home, h -> SideTask.startOnOwnThread("saelab-git", () -> askGit(h)));
    }

    private static String askGit(String home) {
        try {
            Process process = new ProcessBuilder("git", "-C", Path.of(home).toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0 && out.matches("[0-9a-f]{40}")) {
                Process status = new ProcessBuilder("git", "-C", home, "status", "--porcelain", "--untracked-files=no")
                        .redirectErrorStream(true).start();
                String dirty = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                status.waitFor(5, TimeUnit.SECONDS);
                return dirty.isEmpty() ? out : out + "-dirty";
            }
        } catch (IOException e) {
            // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }
}
