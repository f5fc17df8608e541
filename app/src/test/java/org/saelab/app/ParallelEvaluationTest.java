package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.saelab.api.Batch;
import org.saelab.api.ComponentSpec;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.EvaluationContext;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.Inference;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.api.RunSpec;
import org.saelab.api.TrainingConfig;
import org.saelab.runner.config.SpecResolver;
import org.saelab.runner.train.Evaluator;
import org.saelab.runner.train.RunExecutor;
import org.saelab.runner.train.RunOutcome;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/**
 * A run evaluates its extra k on a second thread while it computes the main metrics: the values
 * must be, in the same order, those of a plain evaluation that does one after the other.
 */
class ParallelEvaluationTest {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover(ParallelEvaluationTest.class.getClassLoader());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void extraKMetricsAreThoseOfAnEvaluationOnOneThread() throws Exception {
        EvaluationConfig evaluation = new EvaluationConfig(20_000, Inference.TOPK, null, 0, 0.9, List.of(4.0, 3.0, 2.5));
        ExperimentSpec experiment = new ExperimentSpec(ComponentSpec.of("post20"),
                ComponentSpec.of("batchtopk", "dSae", 20, "k", 5.0),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk")),
                new TrainingConfig(200_000, 1024, 3e-4, 0.9, 0.999, 1e-8, 3, "random"), evaluation);
        RunSpec spec = new SpecResolver(Mappers.json(REGISTRY), Mappers.yaml(REGISTRY), REGISTRY)
                .resolve(experiment, SpecResolver.Overrides.none());
        List<Metric> metrics = List.copyOf(REGISTRY.metrics().values());
        RunExecutor executor = new RunExecutor(REGISTRY);
        RunExecutor.Prepared prepared = executor.prepare(spec, List.of());
        RunOutcome outcome = executor.run(prepared, List.of(), metrics);

        Batch batch = Evaluator.sample(outcome.sampler(),
                outcome.sampler().evaluationStream(prepared.seeds().seed("data.evaluation")), spec.evaluation());
        float[] directions = Evaluator.directions(outcome.sampler());
        EvaluationContext main = Evaluator.context(outcome.sae(), directions, batch, true, spec.evaluation(), 5.0,
                Inference.TOPK);
        Map<String, MetricValue> expected = new LinkedHashMap<>(Evaluator.metrics(main, metrics));
        expected.putAll(Evaluator.metricsAtExtraK(outcome.sae(), directions, batch, true, spec.evaluation(), metrics));

        assertTrue(expected.containsKey("mse@k2.5") && expected.containsKey("saeL0@k3"), expected.keySet().toString());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(outcome.metrics().keySet()), "the same metrics, in order");
        // MetricValue holds arrays: compare their JSON, which carries every double exactly
        assertEquals(JSON.writeValueAsString(expected), JSON.writeValueAsString(outcome.metrics()));
    }
}
