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
import org.openjdk.jmh.annotations.Warmup;
import org.saelab.api.LossTerm;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.runner.train.AdamOptimizer;

/**
 * The phases of a training step one at a time, on a state prepared by one full step: the
 * encoder product (its crossover between the SIMD kernel and ND4J's gemm is found by running
 * this with {@code -jvmArgsAppend -Dsaelab.blas=true} and {@code =false}), the batch top-k
 * selection, decode, the loss terms with the decoder backward pass, the encoder backward pass
 * and ND4J's Adam.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PhaseBenchmarks {
    /** "post", "large", or inputDim x width at batch 1024. */
    @Param({"post"})
    String shape;

    /** Which kernels run: {@code native} (C, where built) or {@code simd} (the Java Vector API). */
    @Param({"native", "simd"})
    String kernels;

    private BatchTopKSae sae;
    private List<LossTerm> terms;
    private TrainingState state;
    private AdamOptimizer adam;
    private float[] params;

    @Setup
    public void setUp() {
        // the SIMD or native kernels from the first call: a benchmark times them, not the switch from the twins
        org.saelab.api.Kernels.setMode(org.saelab.api.Kernels.Mode.valueOf(kernels.toUpperCase(java.util.Locale.ROOT)));
        Shape s = Shape.named(shape);
        sae = s.sae();
        terms = s.terms();
        state = s.state();
        state.batch = s.batches(1)[0];
        params = sae.parameters().data();
        adam = new AdamOptimizer(params.length, 3e-4, 0.9, 0.999, 1e-8);
        TrainingStep.forwardBackward(sae, terms, state);
    }

    @Benchmark
    public float encode() {
        sae.encode(state);
        return state.pre[0];
    }

    @Benchmark
    public int topK() {
        state.main.clear();
        sae.select(state, state.k, state.main);
        return state.main.count();
    }

    @Benchmark
    public float decode() {
        sae.decode(state, state.main, sae.width(), state.reconstruction);
        return state.reconstruction[0];
    }

    @Benchmark
    public double lossTerms() {
        Arrays.fill(state.gradPre, 0f);
        double loss = 0;
        for (int t = 0; t < terms.size(); t++) {
            loss += terms.get(t).apply(state, sae);
        }
        return loss;
    }

    @Benchmark
    public float encoderBackward() {
        sae.backwardEncode(state);
        return state.grads[0];
    }

    @Benchmark
    public float adam() {
        adam.step(params, state.grads);
        return params[0];
    }
}
