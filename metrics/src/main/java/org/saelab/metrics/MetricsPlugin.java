package org.saelab.metrics;

import java.util.List;
import org.saelab.api.EvaluationContext;
import org.saelab.api.GroundTruth;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.api.Plugin;

/** The metrics of saelab's metrics spec, each a pure function of the evaluation context. */
public final class MetricsPlugin implements Plugin {
    @Override
    public String name() {
        return "core-metrics";
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                new FunctionMetric("trueL0", "mean number of firing true features per sample", GroundTruth.FULL, c -> MetricValue.of(
                        meanNonZeroPerRow(c.features(), c.samples(), c.numFeatures()))),
                metric("saeL0", "mean number of active latents per sample at inference", false, c -> MetricValue.of(
                        meanNonZeroPerRow(c.activations(), c.samples(), c.width()))),
                metric("mse", "mean over samples of Σ_d (x̂ − x)²", false, c -> MetricValue.of(Reconstruction.mse(c))),
                metric("varianceExplained", "1 − Σ‖x̂ − x‖² / Σ‖x − x̄‖²", false,
                        c -> MetricValue.of(Reconstruction.varianceExplained(c))),
                metric("deadLatents", "latents that never fire on the evaluation batch", false,
                        c -> MetricValue.of(deadLatents(c))),
                metric("shrinkage", "mean of ‖x̂‖ / ‖x‖", false, c -> MetricValue.of(Reconstruction.shrinkage(c))),
                metric("decoderCosSims", "cosine of each decoder row with each true direction [latent][feature]", true,
                        c -> MetricValue.of(c.decoderCos())),
                metric("encoderCosSims", "cosine of each encoder column with each true direction [latent][feature]",
                        true, c -> MetricValue.of(c.encoderCos())),
                metric("maxCosPerFeature", "per true feature, the largest signed decoder cosine over latents", true,
                        c -> MetricValue.of(Matching.maxCosPerFeature(c.decoderCos(), c.numFeatures()))),
                metric("meanMaxCos", "mean of maxCosPerFeature", true,
                        c -> MetricValue.of(mean(Matching.maxCosPerFeature(c.decoderCos(), c.numFeatures())))),
                metric("minMaxCos", "minimum of maxCosPerFeature", true,
                        c -> MetricValue.of(min(Matching.maxCosPerFeature(c.decoderCos(), c.numFeatures())))),
                metric("recoveredFeatures", "true features whose maxCosPerFeature reaches the recovery threshold (0.9)",
                        true, c -> MetricValue.of(Matching.recovered(c))),
                metric("mcc", "mean |decoder cosine| under the best one-to-one latent–feature matching (Hungarian)",
                        true, c -> MetricValue.of(Matching.mcc(c.decoderCos()))),
                metric("hedging", "mean decoder cosine with feature p over latents matched to other features", true,
                        c -> MetricValue.of(Matching.hedging(c))),
                metric("hedgingPerLatent", "decoder cosine of every latent with feature p (raw latent order)", true,
                        c -> MetricValue.of(Matching.hedgingPerLatent(c))),
                metric("decoderPairwiseCos", "mean |cosine| over all pairs of decoder rows (proxy for the correct L0)",
                        false, c -> MetricValue.of(Matching.decoderPairwiseCos(c))));
    }

    private static Metric metric(String name, String description, boolean groundTruth,
            java.util.function.Function<EvaluationContext, MetricValue> compute) {
        return new FunctionMetric(name, description, groundTruth, compute);
    }

    static double meanNonZeroPerRow(float[] values, int rows, int columns) {
        long count = 0;
        int n = rows * columns;
        for (int e = 0; e < n; e++) {
            if (values[e] != 0f) {
                count++;
            }
        }
        return (double) count / rows;
    }

    static int deadLatents(EvaluationContext c) {
        boolean[] fired = new boolean[c.width()];
        float[] a = c.activations();
        int width = c.width();
        for (int b = 0; b < c.samples(); b++) {
            int row = b * width;
            for (int j = 0; j < width; j++) {
                if (a[row + j] != 0f) {
                    fired[j] = true;
                }
            }
        }
        int dead = 0;
        for (boolean f : fired) {
            if (!f) {
                dead++;
            }
        }
        return dead;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }

    static double min(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
        }
        return values.length == 0 ? Double.NaN : min;
    }
}
