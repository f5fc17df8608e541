package org.saelab.architectures.batchtopk;

import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ConfigException;

/**
 * BatchTopK: keeps the ⌊k·B⌋ largest activations over the whole batch.
 *
 * @param dSae number of latents
 * @param k mean active latents per sample; may be fractional
 */
public record BatchTopKConfig(int dSae, double k) implements ArchitectureConfig {
    public BatchTopKConfig {
        ConfigException.check(dSae > 0, "architecture.dSae", dSae, "must be > 0");
        ConfigException.check(k > 0 && !Double.isNaN(k), "architecture.k", k, "must be > 0");
        ConfigException.check(k <= dSae, "architecture.k", k, "must be <= architecture.dSae (" + dSae + ")");
    }

    public static BatchTopKConfig defaults() {
        return new BatchTopKConfig(20, 5);
    }
}
