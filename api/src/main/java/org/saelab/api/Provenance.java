package org.saelab.api;

import java.util.Map;

/** How a result was made. The schema only grows. */
public record Provenance(long seed, Map<String, Long> derivedSeeds, String configHash, String projectVersion,
        String gitCommit, String javaVersion, String osName, String osArch, String nd4jVersion, String backend,
        int cores, String start, double durationSeconds, double trainingSeconds, double samplesPerSecond,
        Map<String, String> plugins) {
    public Provenance {
        derivedSeeds = Map.copyOf(derivedSeeds);
        plugins = Map.copyOf(plugins);
    }
}
