package org.saelab.losses.auxk;

import org.saelab.api.ConfigException;
import org.saelab.api.LossTermConfig;

/**
 * SAELens's dead-latent loss.
 *
 * @param coefficient weight of the term
 * @param deadWindow a latent is dead after more than this many steps without firing
 */
public record AuxKConfig(double coefficient, long deadWindow) implements LossTermConfig {
    public AuxKConfig {
        ConfigException.check(coefficient >= 0 && Double.isFinite(coefficient), "loss.coefficient", coefficient,
                "must be a finite number >= 0");
        ConfigException.check(deadWindow >= 0, "loss.deadWindow", deadWindow, "must be >= 0");
    }

    public static AuxKConfig defaults() {
        return new AuxKConfig(1.0, 1000);
    }
}
