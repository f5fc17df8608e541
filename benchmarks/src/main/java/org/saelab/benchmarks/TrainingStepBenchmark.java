package org.saelab.benchmarks;

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
import org.openjdk.jmh.annotations.Warmup;
import org.saelab.api.Batch;
import org.saelab.api.LossTerm;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.runner.train.AdamOptimizer;

/**
 * One training step as the trainer runs it (data excluded: eight batches are generated up front
 * and reused in turn): encode, BatchTopK, decode, MSE + AuxK with their backward passes, the
 * encoder backward pass, ND4J's Adam, firing statistics. Samples/s = batch size / time per op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TrainingStepBenchmark {
    @Param({"post", "large"})
    String shape;

    /** Which kernels run: {@code native} (C, where built) or {@code simd} (the Java Vector API). */
    @Param({"native", "simd"})
    String kernels;

    private BatchTopKSae sae;
    private List<LossTerm> terms;
    private TrainingState state;
    private AdamOptimizer adam;
    private Batch[] batches;
    private float[] params;
    private int next;

    @Setup
    public void setUp() {
        // the SIMD or native kernels from the first call: a benchmark times them, not the switch from the twins
        org.saelab.api.Kernels.setMode(org.saelab.api.Kernels.Mode.valueOf(kernels.toUpperCase(java.util.Locale.ROOT)));
        Shape s = Shape.named(shape);
        sae = s.sae();
        terms = s.terms();
        state = s.state();
        batches = s.batches(8);
        params = sae.parameters().data();
        adam = new AdamOptimizer(params.length, 3e-4, 0.9, 0.999, 1e-8);
    }

    @Benchmark
    public double step() {
        state.batch = batches[next++ & 7];
        double loss = TrainingStep.forwardBackward(sae, terms, state);
        adam.step(params, state.grads);
        TrainingStep.updateFiring(state);
        sae.afterStep(state);
        state.step++;
        return loss;
    }
}
