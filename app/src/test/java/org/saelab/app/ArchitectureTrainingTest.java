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

/**
 * Short trainings of topk, matryoshka-batchtopk and standard on post20 (true L0 5). The bounds
 * are what held on every seed measured (seeds 0–4 unless said), with margin; the figures are in
 * each test's comment.
 */
class ArchitectureTrainingTest {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover(ArchitectureTrainingTest.class.getClassLoader());

    private static Map<String, MetricValue> train(ComponentSpec architecture, List<ComponentSpec> loss, long samples, String init) {
        ExperimentSpec experiment = new ExperimentSpec(ComponentSpec.of("post20"), architecture, loss,
                new TrainingConfig(samples, 1024, 3e-4, 0.9, 0.999, 1e-8, 0, init), EvaluationConfig.defaults());
        RunSpec spec = new SpecResolver(Mappers.json(REGISTRY), Mappers.yaml(REGISTRY), REGISTRY)
                .resolve(experiment, SpecResolver.Overrides.none());
        RunExecutor executor = new RunExecutor(REGISTRY);
        RunOutcome outcome = executor.run(executor.prepare(spec, List.of()), List.of(), List.copyOf(REGISTRY.metrics().values()));
        return outcome.metrics();
    }

    private static double scalar(Map<String, MetricValue> metrics, String name) {
        return ((MetricValue.Scalar) metrics.get(name)).value();
    }

    private static String summary(Map<String, MetricValue> metrics) {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("recoveredFeatures", "minMaxCos", "mcc", "saeL0", "mse", "deadLatents", "maxCosPerFeature")) {
            out.append(name).append('=').append(metrics.containsKey(name) ? metrics.get(name).json() : "-").append(' ');
        }
        return out.toString();
    }

    /**
     * Per-sample TopK at k = 5 from the true directions, 1M samples: 19 features kept on each of
     * seeds 0–4 (features 1–19 at cosine ≥ 0.98). Feature 0's latent drifts to cosine 0.65: it
     * fires with most samples, and a sample with more than five true features must drop one.
     * From random initialisation TopK k = 5 needs longer: after 6M samples mcc 0.86–0.88 but only
     * 5 features at cosine ≥ 0.9 (seeds 0–4).
     */
    @Test
    void topKFromTheTrueDirectionsKeepsAllButTheMostFrequentFeature() {
        Map<String, MetricValue> metrics = train(ComponentSpec.of("topk", "dSae", 20, "k", 5.0),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk")), 1_000_000, "ground-truth");
        assertTrue(scalar(metrics, "recoveredFeatures") >= 18, summary(metrics));
        double saeL0 = scalar(metrics, "saeL0");
        assertTrue(saeL0 > 4.5 && saeL0 <= 5, "at most k per sample: " + summary(metrics));
    }

    /**
     * Matryoshka prefixes 5, 10, 20 (one mse term each) at k = 5 from the true directions, 1M
     * samples: 19 features kept, minMaxCos 0.84, saeL0 exactly 5 on seeds 0–2. From random
     * initialisation 16–17 features after 6M samples and 10–12 after 3M.
     */
    @Test
    void matryoshkaFromTheTrueDirectionsKeepsMostFeatures() {
        Map<String, MetricValue> metrics = train(ComponentSpec.of("matryoshka-batchtopk", "dSae", 20, "k", 5.0, "prefixes", List.of(5, 10, 20)),
                List.of(ComponentSpec.of("mse", "latents", 5), ComponentSpec.of("mse", "latents", 10), ComponentSpec.of("mse", "latents", 20),
                        ComponentSpec.of("auxk")), 1_000_000, "ground-truth");
        assertTrue(scalar(metrics, "recoveredFeatures") >= 18, summary(metrics));
        assertEquals(5.0, scalar(metrics, "saeL0"), 1e-9, "batch top-k at k = 5: " + summary(metrics));
    }

    /**
     * ReLU + L1 (coefficient 0.1) from the true directions, 1M samples: all 20 features kept at
     * cosine 0.99, saeL0 4.98–5.01 on seeds 0–2. From random initialisation, 3M samples gave mcc
     * 0.93, 0.94, 0.93, 0.96, 0.83 and 16, 16, 16, 18, 11 features on seeds 0–4 with saeL0 6.4–8.7
     * (L1 0.3: 19 features but shrinkage 0.85; 0.03 and below: saeL0 16–20); that run takes about
     * 40 s under the test runner, so the test starts from the true directions.
     */
    @Test
    void standardWithL1FromTheTrueDirectionsKeepsEveryFeatureAtTheTrueL0() {
        Map<String, MetricValue> metrics = train(ComponentSpec.of("standard", "dSae", 20),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("l1", "coefficient", 0.1)), 1_000_000, "ground-truth");
        assertEquals(20, scalar(metrics, "recoveredFeatures"), summary(metrics));
        assertTrue(scalar(metrics, "minMaxCos") > 0.95, summary(metrics));
        double saeL0 = scalar(metrics, "saeL0");
        assertTrue(saeL0 > 4.5 && saeL0 < 5.5, "the L1 penalty keeps the code at the true L0: " + summary(metrics));
    }
}
