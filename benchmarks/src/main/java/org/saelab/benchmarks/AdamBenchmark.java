package org.saelab.benchmarks;

import java.util.SplittableRandom;
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
import org.saelab.api.SaeParameters;
import org.saelab.runner.train.AdamOptimizer;

/**
 * One Adam step over the flat parameter vector, by {@code -Dsaelab.adam} path: the loop over
 * Java arrays ("hand", the default), ND4J's native op through one reusable op context
 * ("context") or through {@code GradientUpdater.applyUpdater} ("updater"). {@code shape} also
 * takes {@code DINxDSAE}, for the sizes in between.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AdamBenchmark {
    @Param({"hand", "context", "updater"})
    String path;

    @Param({"post", "large"})
    String shape;

    private AdamOptimizer adam;
    private float[] params;
    private float[] grads;

    @Setup
    public void setUp() {
        Shape s = Shape.named(shape);
        int n = SaeParameters.size(s.inputDim(), s.width());
        System.setProperty("saelab.adam", path);
        adam = new AdamOptimizer(n, 3e-4, 0.9, 0.999, 1e-8);
        params = new float[n];
        grads = new float[n];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            grads[i] = (float) random.nextGaussian() * 1e-3f;
        }
    }

    @Benchmark
    public float step() {
        adam.step(params, grads);
        return params[0];
    }
}
