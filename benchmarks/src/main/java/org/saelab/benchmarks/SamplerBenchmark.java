package org.saelab.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;

/** post20 data generation on one thread; the score is samples per second. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SamplerBenchmark {
    private static final int BATCH = 1024;

    /** {@code native} (the C kernel, where built) or {@code simd} (the Java loops on the Vector API). */
    @Param({"native", "simd"})
    String kernels;

    private BatchStream stream;
    private Batch batch;

    @Setup
    public void setUp() {
        // the SIMD kernels from the first call: a benchmark times them, not the switch from their twins
        org.saelab.api.Kernels.setMode(org.saelab.api.Kernels.Mode.valueOf(kernels.toUpperCase(java.util.Locale.ROOT)));
        Shape post = Shape.named("post");
        stream = post.sampler().stream(1);
        batch = new Batch(BATCH, post.inputDim(), post.numFeatures());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float post20() {
        stream.next(batch);
        return batch.inputs[0];
    }
}
