package org.saelab.architectures.topk;

import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ConfigException;

/**
 * TopK: keeps the k largest activations of each sample.
 *
 * @param dSae number of latents
 * @param k active latents per sample; a whole number (stored as a number so that a fractional
 *     value in a config file is reported instead of silently truncated)
 */
public record TopKConfig(int dSae, double k) implements ArchitectureConfig {
    public TopKConfig {
        ConfigException.check(dSae > 0, "architecture.dSae", dSae, "must be > 0");
        ConfigException.check(k >= 1 && !Double.isNaN(k), "architecture.k", k, "must be >= 1");
        ConfigException.check(k == Math.rint(k), "architecture.k", k, "must be a whole number (topk keeps k latents per sample)");
        ConfigException.check(k <= dSae, "architecture.k", k, "must be <= architecture.dSae (" + dSae + ")");
    }

    public static TopKConfig defaults() {
        return new TopKConfig(20, 5);
    }
}
