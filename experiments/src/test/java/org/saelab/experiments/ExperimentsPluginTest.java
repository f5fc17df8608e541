package org.saelab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.saelab.api.Claim;
import org.saelab.api.Experiment;
import org.saelab.api.ExperimentPlan;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.Variant;
import org.saelab.runner.wiring.PluginRegistry;

class ExperimentsPluginTest {
    private static final Map<String, Experiment> EXPERIMENTS =
            PluginRegistry.discover(ExperimentsPluginTest.class.getClassLoader()).experiments();

    private static ExperimentPlan plan(String name) {
        Experiment experiment = EXPERIMENTS.get(name);
        assertNotNull(experiment, name);
        return Guice.createInjector(experiment.module()).getInstance(ExperimentPlan.class);
    }

    private static double k(Variant variant) {
        return ((Number) variant.spec().architecture().settings().get("k")).doubleValue();
    }

    @Test
    void postCase1BindsThePostsSetup() {
        ExperimentPlan plan = plan("post-case1");
        assertEquals(List.of(0L), plan.seeds());
        assertEquals(1, plan.variants().size());
        ExperimentSpec spec = plan.variants().get(0).spec();
        assertEquals("post20", spec.sampler().type());
        assertEquals("batchtopk", spec.architecture().type());
        assertEquals(5.0, k(plan.variants().get(0)));
        assertEquals(20, spec.architecture().settings().get("dSae"));
        assertEquals(25_000_000L, spec.training().samples());
        assertEquals(1024, spec.training().batchSize());
        assertEquals(3e-4, spec.training().learningRate());
        assertEquals(2, spec.loss().size());
        assertEquals("auxk", spec.loss().get(1).type());
        assertEquals(List.of(4.0, 3.0), spec.evaluation().extraK());
    }

    @Test
    void everyExperimentOfThePostIsThereWithADescription() {
        for (String name : List.of("post-case1", "post-case2", "post-case3", "post-k6", "post-k8", "post-mse-table",
                "post-case2-noauxk", "post-mse-table-noauxk", "post-k-decay", "post-multi-l0", "post-all")) {
            assertTrue(EXPERIMENTS.containsKey(name), name);
            assertTrue(EXPERIMENTS.get(name).description().length() > 20, name);
        }
    }

    @Test
    void variantsOfTheSameNameAreTheSameRunInEveryExperiment() {
        Map<String, Variant> seen = new java.util.HashMap<>();
        for (Experiment experiment : EXPERIMENTS.values()) {
            for (Variant variant : plan(experiment.name()).variants()) {
                Variant before = seen.putIfAbsent(variant.name(), variant);
                if (before != null) {
                    assertEquals(before, variant, variant.name() + " in " + experiment.name());
                }
            }
        }
    }

    @Test
    void theKVariantsDifferFromCase1OnlyInK() {
        ExperimentSpec base = plan("post-case1").variants().get(0).spec();
        for (Variant variant : plan("post-all").variants()) {
            if (!variant.name().matches("k\\d")) {
                continue;
            }
            assertEquals(Double.parseDouble(variant.name().substring(1)), k(variant), variant.name());
            assertEquals(base.training(), variant.spec().training(), variant.name());
            assertEquals(base.sampler(), variant.spec().sampler(), variant.name());
            assertEquals(base.loss(), variant.spec().loss(), variant.name());
        }
    }

    @Test
    void everyClaimOnlyReadsVariantsItsExperimentRuns() {
        for (Experiment experiment : EXPERIMENTS.values()) {
            ExperimentPlan plan = plan(experiment.name());
            Set<String> variants = new HashSet<>();
            plan.variants().forEach(v -> variants.add(v.name()));
            for (Claim claim : plan.claims()) {
                assertTrue(variants.containsAll(claim.variants()), experiment.name() + ": " + claim.id() + " reads "
                        + claim.variants());
            }
        }
    }

    @Test
    void postAllRunsEveryPostExperimentOverThreeSeeds() {
        ExperimentPlan all = plan("post-all");
        assertEquals(List.of(0L, 1L, 2L), all.seeds());
        Set<String> names = new HashSet<>();
        all.variants().forEach(v -> names.add(v.name()));
        for (String name : List.of("post-case1", "post-case2", "post-case3", "post-k6", "post-k8", "post-mse-table",
                "post-k-decay", "post-multi-l0")) {
            ExperimentPlan part = plan(name);
            part.variants().forEach(v -> assertTrue(names.contains(v.name()), name + " variant " + v.name()));
            part.claims().forEach(c -> assertTrue(all.claims().stream().anyMatch(a -> a.id().equals(c.id())), c.id()));
        }
    }

    @Test
    void multiL0SweepsBothPairsAndFourLambdasTrainedAtTheLargerK() {
        ExperimentPlan plan = plan("post-multi-l0");
        assertEquals(8, plan.variants().size());
        for (Variant variant : plan.variants()) {
            ExperimentSpec spec = variant.spec();
            assertEquals("multi-l0", spec.loss().get(0).type());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> terms = (List<Map<String, Object>>) spec.loss().get(0).settings().get("terms");
            assertEquals(2, terms.size());
            double high = ((Number) terms.get(1).get("k")).doubleValue();
            assertTrue(((Number) terms.get(0).get("k")).doubleValue() < 5 && high > 5, variant.name());
            assertEquals(high, k(variant), variant.name());
        }
    }

    @Test
    void kDecayGoesFrom10To2AndRecordsSnapshots() {
        ExperimentSpec spec = plan("post-k-decay").variants().get(0).spec();
        assertEquals("linear", spec.training().kSchedule().type());
        assertEquals(10.0, spec.training().kSchedule().start());
        assertEquals(2.0, spec.training().kSchedule().end());
        assertTrue(spec.training().steps() / spec.training().snapshotEvery() >= 20);
    }
}
