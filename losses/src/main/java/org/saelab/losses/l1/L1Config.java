package org.saelab.losses.l1;

import org.saelab.api.ConfigException;
import org.saelab.api.LossTermConfig;

/**
 * The L1 sparsity penalty: coefficient · mean over the batch of Σ_j a_j over the main code's
 * activations.
 *
 * @param coefficient λ_L1, the weight of the term
 */
public record L1Config(double coefficient) implements LossTermConfig {
    public L1Config {
        ConfigException.check(coefficient >= 0 && Double.isFinite(coefficient), "loss.coefficient", coefficient,
                "must be a finite number >= 0");
    }

    public static L1Config defaults() {
        return new L1Config(1e-3);
    }
}
