package org.saelab.architectures.standard;

import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ConfigException;

/**
 * The standard ReLU SAE: every positive pre-activation fires; sparsity comes from an L1 loss
 * term ({@code type: l1}), so its L0 is not set directly.
 *
 * @param dSae number of latents
 */
public record StandardConfig(int dSae) implements ArchitectureConfig {
    public StandardConfig {
        ConfigException.check(dSae > 0, "architecture.dSae", dSae, "must be > 0");
    }

    public static StandardConfig defaults() {
        return new StandardConfig(20);
    }
}
