package org.saelab.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.saelab.api.Batch;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.metrics.MetricsPlugin;
import org.saelab.runner.train.Evaluator;

/**
 * The end of a run: inference on the 100,000-sample evaluation batch (BatchTopK over it) and
 * every core metric, including the Hungarian matching.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MetricsBenchmark {
    private BatchTopKSae sae;
    private float[] directions;
    private Batch batch;
    private EvaluationConfig config;
    private List<Metric> metrics;

    @Setup
    public void setUp() {
        // the SIMD kernels from the first call: a benchmark times them, not the switch from their twins
        org.saelab.api.Kernels.setMode(org.saelab.api.Kernels.Mode.SIMD);
        Shape post = Shape.named("post");
        var sampler = post.sampler();
        sae = post.sae();
        sae.initialiseToDirections(sampler.directionsData(), sampler.numFeatures());
        directions = sampler.directionsData();
        config = EvaluationConfig.defaults();
        batch = new Batch(config.samples(), post.inputDim(), post.numFeatures());
        sampler.stream(3).next(batch);
        metrics = new MetricsPlugin().metrics();
    }

    @Benchmark
    public Map<String, MetricValue> evaluate() {
        return Evaluator.metrics(Evaluator.context(sae, directions, batch, config), metrics);
    }
}
