package org.saelab.runner.train;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.EvaluationContext;
import org.saelab.api.LossTerm;
import org.saelab.api.Metric;
import org.saelab.api.Sae;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;

/**
 * Times the phases of the training step one by one, on one thread: the same calls as
 * {@link TrainingStep#forwardBackward} and {@link Trainer}, with a clock read between them.
 * Used by {@code saelab bench}; the real trainer's throughput is measured separately.
 */
public final class PhaseBenchmark {
    private PhaseBenchmark() {}

    /**
     * The phase of a step that ran the SAE's fused pass ({@link TrainingStep#fusedRest}): decode,
     * loss terms and both backward passes at once.
     */
    public static final String FUSED = "decode + loss + backward (fused)";

    /** Phase name → total seconds, in the order of the step. */
    public record Phases(Map<String, Double> seconds, long steps, int batchSize) {
        public double total() {
            return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    public static Phases run(RunExecutor.Prepared prepared, List<Metric> metrics) {
        var spec = prepared.spec();
        Sae sae = prepared.sae();
        List<LossTerm> terms = prepared.terms();
        int batchSize = spec.training().batchSize();
        long steps = spec.training().steps();
        BatchStream data = prepared.sampler().stream(prepared.seeds().seed("data.training"));
        TrainingState state = new TrainingState(batchSize, sae.inputDim(), sae.width(), prepared.sampler().numFeatures());
        state.k = sae.k();
        AdamOptimizer adam = new AdamOptimizer(sae.parameters().data().length, spec.training().learningRate(),
                spec.training().adamBeta1(), spec.training().adamBeta2(), spec.training().adamEpsilon());
        float[] params = sae.parameters().data();
        long[] nanos = new long[9];
        for (long step = 0; step < steps; step++) {
            long t0 = System.nanoTime();
            data.next(state.batch);
            long t1 = System.nanoTime();
            Arrays.fill(state.grads, 0f);
            Arrays.fill(state.gradPre, 0f);
            Arrays.fill(state.gradNorms, 0f);
            sae.encode(state);
            long t2 = System.nanoTime();
            state.main.clear();
            sae.select(state, state.k, state.main);
            long t3 = System.nanoTime();
            long t6;
            if (!Double.isNaN(TrainingStep.fusedRest(sae, terms, state))) {
                t6 = System.nanoTime();
                nanos[8] += t6 - t3;
            } else {
                sae.decode(state, state.main, sae.width(), state.reconstruction);
                long t4 = System.nanoTime();
                for (int t = 0; t < terms.size(); t++) {
                    terms.get(t).apply(state, sae);
                }
                long t5 = System.nanoTime();
                sae.backwardEncode(state);
                t6 = System.nanoTime();
                nanos[3] += t4 - t3;
                nanos[4] += t5 - t4;
                nanos[5] += t6 - t5;
            }
            adam.step(params, state.grads);
            TrainingStep.updateFiring(state);
            sae.afterStep(state);
            long t7 = System.nanoTime();
            nanos[0] += t1 - t0;
            nanos[1] += t2 - t1;
            nanos[2] += t3 - t2;
            nanos[6] += t7 - t6;
        }
        long m0 = System.nanoTime();
        Batch evaluationBatch = new Batch(spec.evaluation().samples(), prepared.sampler().inputDim(),
                prepared.sampler().numFeatures());
        prepared.sampler().stream(prepared.seeds().seed("data.evaluation")).next(evaluationBatch);
        EvaluationContext context = Evaluator.context(sae, prepared.sampler().directionsData(), evaluationBatch,
                spec.evaluation());
        Evaluator.metrics(context, metrics);
        nanos[7] = System.nanoTime() - m0;
        Map<String, Double> seconds = new LinkedHashMap<>();
        // the steps that ran the fused pass time it as one phase, the others its three parts
        String[] names = {"data generation", "encode", "top-k selection", "decode",
            "loss terms (+ decoder backward)", "encoder backward", "optimiser", "evaluation + metrics",
            FUSED};
        int[] order = {0, 1, 2, 8, 3, 4, 5, 6, 7};
        for (int i : order) {
            boolean separate = i >= 3 && i <= 5;
            if (i == 8 && nanos[8] == 0 || separate && nanos[8] > 0 && nanos[i] == 0) {
                continue;
            }
            seconds.put(names[i], nanos[i] / 1e9);
        }
        return new Phases(seconds, steps, batchSize);
    }

    /** The largest heap used so far, summed over heap pools, in bytes. */
    public static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
