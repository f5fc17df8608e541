package org.saelab.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Derives one independent seed per named component from a master seed, in a fixed way
 * (SplitMix64 over the master seed and the name's bytes), and records every seed handed out
 * so provenance can list them.
 */
public final class SeedStreams {
    private final long master;
    private final Map<String, Long> derived = new TreeMap<>();

    public SeedStreams(long master) {
        this.master = master;
    }

    public long master() {
        return master;
    }

    public synchronized long seed(String component) {
        return derived.computeIfAbsent(component, name -> derive(master, name));
    }

    public synchronized Map<String, Long> derivedSeeds() {
        return Map.copyOf(derived);
    }

    public static long derive(long master, String name) {
        long h = mix(master ^ 0x9E3779B97F4A7C15L);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xFF));
        }
        return h;
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
