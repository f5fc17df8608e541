package org.saelab.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a trained SAE is evaluated.
 *
 * @param samples size of the held-out evaluation batch
 * @param inference topk (BatchTopK over the evaluation batch) or threshold
 * @param k k at inference; null means the architecture's training k
 * @param hedgingFeature the feature p whose mixing into other latents "hedging" measures
 * @param recoveryThreshold decoder cosine at which a feature counts as recovered
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EvaluationConfig(int samples, Inference inference, Double k, int hedgingFeature, double recoveryThreshold) {
    public EvaluationConfig {
        ConfigException.check(samples > 0, "evaluation.samples", samples, "must be > 0");
        ConfigException.check(inference != null, "evaluation.inference", inference, "must be topk or threshold");
        ConfigException.check(k == null || (k > 0 && !k.isNaN()), "evaluation.k", k, "must be > 0");
        ConfigException.check(hedgingFeature >= 0, "evaluation.hedgingFeature", hedgingFeature, "must be >= 0");
        ConfigException.check(recoveryThreshold > 0 && recoveryThreshold <= 1, "evaluation.recoveryThreshold",
                recoveryThreshold, "must be in (0, 1]");
    }

    public static EvaluationConfig defaults() {
        return new EvaluationConfig(100_000, Inference.TOPK, null, 0, 0.9);
    }
}
