package org.saelab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.saelab.api.Experiment;
import org.saelab.api.ExperimentSpec;
import org.saelab.runner.wiring.PluginRegistry;

class ExperimentsPluginTest {
    @Test
    void postCase1IsDiscoveredAndBindsThePostsSetup() {
        Experiment experiment = PluginRegistry.discover(getClass().getClassLoader()).experiments().get("post-case1");
        assertTrue(experiment != null && !experiment.description().isBlank());
        ExperimentSpec spec = Guice.createInjector(experiment.module()).getInstance(ExperimentSpec.class);
        assertEquals("post20", spec.sampler().type());
        assertEquals("batchtopk", spec.architecture().type());
        assertEquals(5.0, ((Number) spec.architecture().settings().get("k")).doubleValue());
        assertEquals(20, spec.architecture().settings().get("dSae"));
        assertEquals(25_000_000L, spec.training().samples());
        assertEquals(1024, spec.training().batchSize());
        assertEquals(3e-4, spec.training().learningRate());
        assertEquals(0L, spec.training().seed());
        assertEquals(2, spec.loss().size());
        assertEquals("auxk", spec.loss().get(1).type());
    }

    @Test
    void thePostsOtherKsDifferOnlyInK() {
        var experiments = PluginRegistry.discover(getClass().getClassLoader()).experiments();
        ExperimentSpec base = Guice.createInjector(experiments.get("post-case1").module()).getInstance(ExperimentSpec.class);
        java.util.Map<String, Double> ks = java.util.Map.of("post-case2", 4.0, "post-case3", 3.0, "post-k6", 6.0, "post-k8", 8.0);
        ks.forEach((name, k) -> {
            ExperimentSpec spec = Guice.createInjector(experiments.get(name).module()).getInstance(ExperimentSpec.class);
            assertEquals(k, ((Number) spec.architecture().settings().get("k")).doubleValue(), name);
            assertEquals(base.training(), spec.training(), name);
            assertEquals(base.sampler(), spec.sampler(), name);
            assertEquals(base.loss(), spec.loss(), name);
        });
    }
}
