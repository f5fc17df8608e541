package org.saelab.examples.plugin;

import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ConfigException;

/**
 * Config of {@code example-topk-unscaled}, chosen in a config file by {@code type:
 * example-topk-unscaled}. Validated here, in the compact constructor, so a bad value in a
 * config file or a {@code --set} stops the run before training with a message naming the field
 * and the value.
 *
 * @param dSae number of latents
 * @param k active latents per sample, a whole number
 */
public record UnscaledTopKConfig(int dSae, double k) implements ArchitectureConfig {
    public UnscaledTopKConfig {
        ConfigException.check(dSae > 0, "architecture.dSae", dSae, "must be > 0");
        ConfigException.check(k >= 1 && k == Math.rint(k), "architecture.k", k, "must be a whole number >= 1");
        ConfigException.check(k <= dSae, "architecture.k", k, "must be <= architecture.dSae (" + dSae + ")");
    }

    public static UnscaledTopKConfig defaults() {
        return new UnscaledTopKConfig(20, 5);
    }
}
