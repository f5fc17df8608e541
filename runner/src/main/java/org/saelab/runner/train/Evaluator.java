package org.saelab.runner.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.EvaluationContext;
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
        return context(sae, sampler.directionsData(), batch, config);
    }

    public static EvaluationContext context(Sae sae, float[] directions, Batch batch, EvaluationConfig config) {
        int rows = batch.size();
        double k = config.k() != null ? config.k() : sae.k();
        float[] activations = new float[Math.multiplyExact(rows, sae.width())];
        sae.infer(batch.inputs, rows, config.inference(), k, activations);
        float[] reconstructions = new float[Math.multiplyExact(rows, sae.inputDim())];
        sae.decodeActivations(activations, rows, reconstructions);
        SaeParameters p = sae.parameters();
        int inputDim = sae.inputDim();
        int width = sae.width();
        return new EvaluationContext(rows, inputDim, width, batch.numFeatures(), batch.inputs, batch.features,
                activations, reconstructions, directions, p.copy(p.wEncOffset(), inputDim * width),
                p.copy(p.wDecOffset(), inputDim * width), p.copy(p.bDecOffset(), inputDim), config);
    }

    /** Every metric, in the given order; ground-truth metrics are skipped without ground truth. */
    public static Map<String, MetricValue> metrics(EvaluationContext context, List<Metric> metrics) {
        Map<String, MetricValue> out = new LinkedHashMap<>();
        for (Metric metric : metrics) {
            if (metric.needsGroundTruth() && !context.hasGroundTruth()) {
                continue;
            }
            out.put(metric.name(), metric.compute(context));
        }
        return out;
    }
}
