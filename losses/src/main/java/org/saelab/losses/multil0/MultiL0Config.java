package org.saelab.losses.multil0;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.saelab.api.ConfigException;
import org.saelab.api.LossTermConfig;

/**
 * The multi-L0 loss: one encoding, BatchTopK applied at each k of {@code terms}, one
 * reconstruction each, {@code L = Σ_j weight_j · MSE(k_j)}; the post's form is
 * {@code L(k_low) + λ · L(k_high)}. {@code latents} restricts every reconstruction to a latent
 * prefix (null: all), so Matryoshka prefixes compose with it.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MultiL0Config(List<Level> terms, Integer latents) implements LossTermConfig {
    /** One (k, weight) pair. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Level(double k, double weight) {
        public Level {
            ConfigException.check(k > 0 && Double.isFinite(k), "loss.terms.k", k, "must be > 0");
            ConfigException.check(weight >= 0 && Double.isFinite(weight), "loss.terms.weight", weight,
                    "must be a finite number >= 0");
        }
    }

    public MultiL0Config {
        ConfigException.check(terms != null && !terms.isEmpty(), "loss.terms", terms, "needs at least one {k, weight} pair");
        ConfigException.check(latents == null || latents > 0, "loss.latents", latents, "must be > 0");
        terms = List.copyOf(terms);
    }

    /** The post's defaults: L(4) + 10 · L(6). */
    public static MultiL0Config defaults() {
        return new MultiL0Config(List.of(new Level(4, 1), new Level(6, 10)), null);
    }

    public double largestK() {
        double max = 0;
        for (Level level : terms) {
            max = Math.max(max, level.k());
        }
        return max;
    }
}
