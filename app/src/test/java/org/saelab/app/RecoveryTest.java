package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.saelab.api.ComponentSpec;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.MetricValue;
import org.saelab.api.RunSpec;
import org.saelab.api.TrainingConfig;
import org.saelab.runner.config.SpecResolver;
import org.saelab.runner.train.RunExecutor;
import org.saelab.runner.train.RunOutcome;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** Short trainings of the post's setup that must keep or find the true features. */
class RecoveryTest {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover(RecoveryTest.class.getClassLoader());

    private static Map<String, MetricValue> train(long samples, String init, long seed) {
        ExperimentSpec experiment = new ExperimentSpec(ComponentSpec.of("post20"),
                ComponentSpec.of("batchtopk", "dSae", 20, "k", 5.0),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk")),
                new TrainingConfig(samples, 1024, 3e-4, 0.9, 0.999, 1e-8, seed, init), EvaluationConfig.defaults());
        RunSpec spec = new SpecResolver(Mappers.json(REGISTRY), Mappers.yaml(REGISTRY), REGISTRY)
                .resolve(experiment, SpecResolver.Overrides.none());
        RunExecutor executor = new RunExecutor(REGISTRY);
        RunOutcome outcome = executor.run(executor.prepare(spec, List.of()), List.of(),
                List.copyOf(REGISTRY.metrics().values()));
        return outcome.metrics();
    }

    private static double scalar(Map<String, MetricValue> metrics, String name) {
        return ((MetricValue.Scalar) metrics.get(name)).value();
    }

    @Test
    void fromGroundTruthTwoMillionSamplesAtTheTrueL0KeepEveryFeature() {
        Map<String, MetricValue> metrics = train(2_000_000, "ground-truth", 0);
        assertEquals(20, scalar(metrics, "recoveredFeatures"), "metrics: " + summary(metrics));
        assertTrue(scalar(metrics, "minMaxCos") > 0.95, summary(metrics));
        assertEquals(5.0, scalar(metrics, "trueL0"), 0.05);
    }

    /**
     * From random initialisation the SAE needs more than 3M samples to settle: measured over
     * seeds 0–4 it recovered 14, 12, 14, 11, 16 features after 3M samples and 19, 18, 19, 17, 19
     * after 6M. The test uses 6M.
     */
    @Test
    void fromRandomInitialisationSixMillionSamplesRecoverMostFeatures() {
        Map<String, MetricValue> metrics = train(6_000_000, "random", 0);
        assertTrue(scalar(metrics, "recoveredFeatures") >= 15, summary(metrics));
    }

    private static String summary(Map<String, MetricValue> metrics) {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("recoveredFeatures", "minMaxCos", "mcc", "hedging", "mse", "deadLatents")) {
            out.append(name).append('=').append(metrics.containsKey(name) ? metrics.get(name).json() : "-").append(' ');
        }
        return out.toString();
    }
}
