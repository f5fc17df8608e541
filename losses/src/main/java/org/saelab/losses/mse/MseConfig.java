package org.saelab.losses.mse;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.saelab.api.ConfigException;
import org.saelab.api.LossTermConfig;

/**
 * A reconstruction term: weight · mean over the batch of Σ_d (x̂ − x)², where x̂ decodes the
 * latents selected at {@code k} (null: the training k, the main code) restricted to latents
 * below {@code latents} (null: all). Several terms with different k give the multi-L0 loss.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MseConfig(double weight, Double k, Integer latents) implements LossTermConfig {
    public MseConfig {
        ConfigException.check(weight >= 0 && Double.isFinite(weight), "loss.weight", weight, "must be a finite number >= 0");
        ConfigException.check(k == null || (k > 0 && Double.isFinite(k)), "loss.k", k, "must be > 0");
        ConfigException.check(latents == null || latents > 0, "loss.latents", latents, "must be > 0");
    }

    public static MseConfig defaults() {
        return new MseConfig(1.0, null, null);
    }
}
