package org.saelab.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.saelab.api.Batch;
import org.saelab.api.LossTerm;
import org.saelab.api.SparseCode;
import org.saelab.api.TopK;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.runner.train.AdamOptimizer;

/**
 * Batch top-k on the pre-activations of successive training steps: the setup trains the shape's
 * SAE for a while, then records the pre-activations of the next steps (a new batch of data and an
 * Adam update each), and each call selects on the next recorded step in turn, so the cut moves as
 * in training and the hint learnt from the previous calls is only approximately right. The replay
 * goes forward through the recorded steps, then backward, and so on, so that each call follows an
 * adjacent training step (256 recorded at the post's shape; 8 at the large one, whose cut still
 * grows by about 5 % a step there, so its trend turns at each end).
 * {@code path}: {@code reference} (the selection before the hint, as a baseline), {@code exact}
 * (no hint), {@code hint} (the training state's way). The setup checks that every path selects
 * the same entries; the hint's counts of cuts found in its band and missed are printed at the end.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TopKBenchmark {
    @Param({"post", "large"})
    String shape;

    @Param({"reference", "exact", "hint"})
    String path;

    /** Which kernels run the hinted path: {@code native} (C, where built) or {@code simd} (the Java Vector API). */
    @Param({"native", "simd"})
    String kernels;

    private float[][] recorded;
    private int rows;
    private int width;
    private long keep;
    private float[] scratch;
    private SparseCode code;
    private TopK.CutHint hint;
    private int next;

    @Setup
    public void setUp() {
        org.saelab.api.Kernels.setMode(org.saelab.api.Kernels.Mode.valueOf(kernels.toUpperCase(java.util.Locale.ROOT)));
        Shape s = Shape.named(shape);
        boolean large = shape.equals("large");
        // the large shape's steps take a while: few of them
        int warmSteps = large ? 8 : 2000;
        int recordedSteps = large ? 8 : 256;
        BatchTopKSae sae = s.sae();
        List<LossTerm> terms = s.terms();
        TrainingState state = s.state();
        Batch[] batches = s.batches(recordedSteps);
        float[] params = sae.parameters().data();
        AdamOptimizer adam = new AdamOptimizer(params.length, 3e-4, 0.9, 0.999, 1e-8);
        recorded = new float[recordedSteps][];
        for (int step = 0; step < warmSteps + recordedSteps; step++) {
            state.batch = batches[step % batches.length];
            TrainingStep.forwardBackward(sae, terms, state);
            if (step >= warmSteps) {
                recorded[step - warmSteps] = state.pre.clone();
            }
            adam.step(params, state.grads);
            TrainingStep.updateFiring(state);
            sae.afterStep(state);
            state.step++;
        }
        rows = state.batchSize;
        width = sae.width();
        keep = (long) Math.floor(state.k * rows);
        scratch = new float[rows * width];
        code = new SparseCode(rows * width);
        hint = new TopK.CutHint();
        checkAgainstReference();
    }

    /** Every recorded batch, in order with one hint: the same selection as the reference. */
    private void checkAgainstReference() {
        TopK.CutHint checking = new TopK.CutHint();
        SparseCode expected = new SparseCode(rows * width);
        for (float[] pre : recorded) {
            expected.clear();
            ReferenceTopK.selectBatch(pre, rows, width, keep, scratch, expected);
            code.clear();
            TopK.selectBatch(pre, rows, width, keep, scratch, code, checking);
            int count = expected.count();
            if (code.count() != count
                    || !Arrays.equals(Arrays.copyOf(expected.rows, count), Arrays.copyOf(code.rows, count))
                    || !Arrays.equals(Arrays.copyOf(expected.latents, count), Arrays.copyOf(code.latents, count))
                    || !Arrays.equals(Arrays.copyOf(expected.values, count), Arrays.copyOf(code.values, count))) {
                throw new IllegalStateException("the hinted selection differs from the reference");
            }
        }
    }

    @Benchmark
    public int select() {
        // next runs over 0 .. 2 · (steps − 1) − 1: forward, then backward
        int period = 2 * (recorded.length - 1);
        float[] pre = recorded[next < recorded.length ? next : period - next];
        next = next + 1 == period ? 0 : next + 1;
        code.clear();
        switch (path) {
            case "reference" -> ReferenceTopK.selectBatch(pre, rows, width, keep, scratch, code);
            case "exact" -> TopK.selectBatch(pre, rows, width, keep, scratch, code);
            default -> TopK.selectBatch(pre, rows, width, keep, scratch, code, hint);
        }
        return code.count();
    }

    @TearDown
    public void report() {
        if (path.equals("hint")) {
            System.out.printf("%ncut found in the band %d times, missed %d times (then found in a second band %d times)%n",
                    hint.found(), hint.missed(), hint.foundAfterMiss());
        }
    }
}
