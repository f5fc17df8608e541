package org.saelab.runner.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.EvaluationContext;
import org.saelab.api.GroundTruth;
import org.saelab.api.Inference;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.api.Sae;
import org.saelab.api.SaeParameters;
import org.saelab.api.Sampler;

/** Builds the shared evaluation context on a held-out batch and computes every metric on it. */
public final class Evaluator {
    /** The metrics that are also reported at each of {@link EvaluationConfig#extraK()}. */
    static final List<String> AT_EXTRA_K = List.of("saeL0", "mse", "varianceExplained");

    private Evaluator() {}

    public static EvaluationContext context(Sae sae, Sampler sampler, BatchStream evaluationData, EvaluationConfig config) {
        Batch batch = sample(sampler, evaluationData, config);
        return context(sae, directions(sampler), batch, featuresKnown(sampler), config,
                config.k() != null ? config.k() : sae.k(), config.inference());
    }

    /** The held-out evaluation batch. */
    public static Batch sample(Sampler sampler, BatchStream evaluationData, EvaluationConfig config) {
        Batch batch = new Batch(config.samples(), sampler.inputDim(), sampler.numFeatures());
        evaluationData.next(batch);
        return batch;
    }

    /** The sampler's true directions, or null when it does not know them. */
    public static float[] directions(Sampler sampler) {
        return sampler.groundTruth().covers(GroundTruth.DIRECTIONS) ? sampler.directionsData() : null;
    }

    /** Whether the sampler's batches carry the true feature activations. */
    public static boolean featuresKnown(Sampler sampler) {
        return sampler.groundTruth().covers(GroundTruth.FULL);
    }

    public static EvaluationContext context(Sae sae, float[] directions, Batch batch, EvaluationConfig config) {
        return context(sae, directions, batch, true, config);
    }

    /**
     * @param directions the true directions, or null when unknown
     * @param featuresKnown whether {@code batch.features} holds the true feature activations
     */
    public static EvaluationContext context(Sae sae, float[] directions, Batch batch, boolean featuresKnown,
            EvaluationConfig config) {
        return context(sae, directions, batch, featuresKnown, config, config.k() != null ? config.k() : sae.k(),
                config.inference());
    }

    /** The context of inference at {@code k} with {@code inference} (the config's own k and mode ignored). */
    public static EvaluationContext context(Sae sae, float[] directions, Batch batch, boolean featuresKnown,
            EvaluationConfig config, double k, Inference inference) {
        int rows = batch.size();
        float[] activations = new float[Math.multiplyExact(rows, sae.width())];
        sae.infer(batch.inputs, rows, inference, k, activations);
        float[] reconstructions = new float[Math.multiplyExact(rows, sae.inputDim())];
        sae.decodeActivations(activations, rows, reconstructions);
        SaeParameters p = sae.parameters();
        int inputDim = sae.inputDim();
        int width = sae.width();
        return new EvaluationContext(rows, inputDim, width, directions == null ? 0 : batch.numFeatures(), batch.inputs,
                directions != null && featuresKnown ? batch.features : null,
                activations, reconstructions, directions, p.copy(p.wEncOffset(), inputDim * width),
                p.copy(p.wDecOffset(), inputDim * width), p.copy(p.bDecOffset(), inputDim), config);
    }

    /** Every metric, in the given order; metrics that need more ground truth than the context has are skipped. */
    public static Map<String, MetricValue> metrics(EvaluationContext context, List<Metric> metrics) {
        Map<String, MetricValue> out = new LinkedHashMap<>();
        for (Metric metric : metrics) {
            if (!context.groundTruth().covers(metric.groundTruthNeeded())) {
                continue;
            }
            out.put(metric.name(), metric.compute(context));
        }
        return out;
    }

    /** The names of the metrics {@link #metrics} skips for lack of ground truth, in the given order. */
    public static List<String> skipped(EvaluationContext context, List<Metric> metrics) {
        return metrics.stream()
                .filter(metric -> !context.groundTruth().covers(metric.groundTruthNeeded()))
                .map(Metric::name)
                .toList();
    }

    /**
     * {@link #AT_EXTRA_K} of the SAE evaluated with BatchTopK inference at each extra k of the
     * config, on the same batch, named like {@code mse@k4}.
     */
    public static Map<String, MetricValue> metricsAtExtraK(Sae sae, float[] directions, Batch batch,
            boolean featuresKnown, EvaluationConfig config, List<Metric> metrics) {
        Map<String, MetricValue> out = new LinkedHashMap<>();
        for (double k : config.extraK()) {
            EvaluationContext cut = context(sae, directions, batch, featuresKnown, config, k, Inference.TOPK);
            for (Metric metric : metrics) {
                if (AT_EXTRA_K.contains(metric.name()) && cut.groundTruth().covers(metric.groundTruthNeeded())) {
                    out.put(metric.name() + EvaluationConfig.atK(k), metric.compute(cut));
                }
            }
        }
        return out;
    }
}
