package org.saelab.runner.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.EvaluationContext;
import org.saelab.api.GroundTruth;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.api.Sae;
import org.saelab.api.SaeParameters;
import org.saelab.api.Sampler;

/** Builds the shared evaluation context on a held-out batch and computes every metric on it. */
public final class Evaluator {
    private Evaluator() {}

    public static EvaluationContext context(Sae sae, Sampler sampler, BatchStream evaluationData, EvaluationConfig config) {
        int rows = config.samples();
        Batch batch = new Batch(rows, sampler.inputDim(), sampler.numFeatures());
        evaluationData.next(batch);
        GroundTruth truth = sampler.groundTruth();
        return context(sae, truth.covers(GroundTruth.DIRECTIONS) ? sampler.directionsData() : null, batch,
                truth.covers(GroundTruth.FULL), config);
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
        int rows = batch.size();
        double k = config.k() != null ? config.k() : sae.k();
        float[] activations = new float[Math.multiplyExact(rows, sae.width())];
        sae.infer(batch.inputs, rows, config.inference(), k, activations);
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
}
