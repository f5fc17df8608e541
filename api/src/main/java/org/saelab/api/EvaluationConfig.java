package org.saelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * How a trained SAE is evaluated.
 *
 * @param samples size of the held-out evaluation batch
 * @param inference topk (BatchTopK over the evaluation batch) or threshold
 * @param k k at inference; null means the architecture's training k
 * @param hedgingFeature the feature p whose mixing into other latents "hedging" measures
 * @param recoveryThreshold decoder cosine at which a feature counts as recovered
 * @param extraK further k values at which the SAE is also evaluated with BatchTopK inference on
 *     the same batch; each adds the metrics {@code mse@k<k>} and {@code varianceExplained@k<k>}
 *     (how the post cuts its k = 5 SAE to k = 4)
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EvaluationConfig(int samples, Inference inference, Double k, int hedgingFeature, double recoveryThreshold,
        List<Double> extraK) {
    public EvaluationConfig {
        ConfigException.check(samples > 0, "evaluation.samples", samples, "must be > 0");
        ConfigException.check(inference != null, "evaluation.inference", inference, "must be topk or threshold");
        ConfigException.check(k == null || (k > 0 && !k.isNaN()), "evaluation.k", k, "must be > 0");
        ConfigException.check(hedgingFeature >= 0, "evaluation.hedgingFeature", hedgingFeature, "must be >= 0");
        ConfigException.check(recoveryThreshold > 0 && recoveryThreshold <= 1, "evaluation.recoveryThreshold",
                recoveryThreshold, "must be in (0, 1]");
        ConfigException.check(extraK != null, "evaluation.extraK", null, "is required (an empty list: none)");
        for (int i = 0; i < extraK.size(); i++) {
            Double value = extraK.get(i);
            ConfigException.check(value != null && value > 0 && !value.isInfinite(), "evaluation.extraK." + i, value,
                    "must be a number > 0");
        }
        extraK = List.copyOf(extraK);
    }

    public EvaluationConfig(int samples, Inference inference, Double k, int hedgingFeature, double recoveryThreshold) {
        this(samples, inference, k, hedgingFeature, recoveryThreshold, List.of());
    }

    public static EvaluationConfig defaults() {
        return new EvaluationConfig(100_000, Inference.TOPK, null, 0, 0.9, List.of());
    }

    public EvaluationConfig withExtraK(List<Double> values) {
        return new EvaluationConfig(samples, inference, k, hedgingFeature, recoveryThreshold, values);
    }

    /** The suffix of the metrics evaluated at an extra k: {@code @k4}, {@code @k1.8}. */
    public static String atK(double k) {
        return k == Math.rint(k) ? "@k" + (long) k : "@k" + k;
    }
}
