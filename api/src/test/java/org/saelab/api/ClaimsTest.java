package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Claims judged on hand-made results whose verdict is known. */
class ClaimsTest {
    private static ResultTable table() {
        Map<String, Map<Long, Map<String, MetricValue>>> runs = new LinkedHashMap<>();
        runs.put("k5", Map.of(
                0L, Map.of("hedging", MetricValue.of(0.01), "f", MetricValue.of(new double[] {1, 1, 0.2, 0.4})),
                1L, Map.of("hedging", MetricValue.of(0.03), "f", MetricValue.of(new double[] {1, 1, 0.4, 0.6}))));
        runs.put("k4", Map.of(
                0L, Map.of("hedging", MetricValue.of(0.20)),
                1L, Map.of("hedging", MetricValue.of(0.00))));
        return new ResultTable(List.of(0L, 1L), runs);
    }

    @Test
    void comparisonIsJudgedOnTheMeansOverSeeds() {
        Comparison larger = new Comparison("a", "k4 hedges more", Quantity.metric("k4", "hedging"),
                Comparison.Relation.GREATER, Quantity.metric("k5", "hedging"));
        Verdict verdict = larger.check(table());
        // k4's seed 1 is below k5's seed 1, but the mean 0.1 > 0.02
        assertEquals(Verdict.Status.HOLDS, verdict.status());
        assertEquals("hedging(k4) = 0.1000 ± 0.1414 (0.2000, 0) > hedging(k5) = 0.0200 ± 0.0141 (0.0100, 0.0300)",
                verdict.measured());
        Comparison smaller = new Comparison("b", "k4 hedges less", Quantity.metric("k4", "hedging"),
                Comparison.Relation.LESS, Quantity.metric("k5", "hedging"));
        assertEquals(Verdict.Status.DOES_NOT_HOLD, smaller.check(table()).status());
        assertEquals(java.util.Set.of("k4", "k5"), smaller.variants());
    }

    @Test
    void slicesAverageVectorEntriesPerSeed() {
        double[] values = Quantity.slice("k5", "f", 2, 4).perSeed(table());
        assertEquals(0.3, values[0], 1e-12);
        assertEquals(0.5, values[1], 1e-12);
        Comparison constant = new Comparison("c", "f[2..3] at least 0.45", Quantity.slice("k5", "f", 2, 4),
                Comparison.Relation.AT_LEAST, Quantity.constant(0.45));
        assertEquals(Verdict.Status.DOES_NOT_HOLD, constant.check(table()).status());
    }

    @Test
    void missingMetricsAndWrongKindsAreErrorsNotVerdicts() {
        assertThrows(IllegalArgumentException.class, () -> table().scalars("k4", "mse"));
        assertThrows(IllegalArgumentException.class, () -> table().scalars("k5", "f"));
        assertThrows(IllegalArgumentException.class, () -> table().vectorMean("k5", "f", 3, 9));
        assertTrue(table().complete("k4"));
        assertTrue(!table().complete("k3"));
    }

    @Test
    void meanAndSampleStandardDeviation() {
        assertEquals(2.0, ResultTable.mean(new double[] {1, 2, 3}));
        assertEquals(1.0, ResultTable.sd(new double[] {1, 2, 3}), 1e-12);
        assertEquals(0.0, ResultTable.sd(new double[] {7}));
    }

    @Test
    void plansRejectDuplicateVariantsAndSeeds() {
        ExperimentSpec spec = new ExperimentSpec(ComponentSpec.of("s"), ComponentSpec.of("a"), List.of(ComponentSpec.of("l")),
                TrainingConfig.defaults(), EvaluationConfig.defaults());
        assertThrows(IllegalArgumentException.class, () -> new ExperimentPlan(List.of(new Variant("x", spec),
                new Variant("x", spec)), List.of(0L), List.of()));
        assertThrows(IllegalArgumentException.class, () -> ExperimentPlan.single(spec).withSeeds(List.of(1L, 1L)));
        assertThrows(IllegalArgumentException.class, () -> new Variant("a/b", spec));
        ExperimentPlan combined = ExperimentPlan.combine(List.of(
                new ExperimentPlan(List.of(new Variant("x", spec)), List.of(0L), List.of()),
                new ExperimentPlan(List.of(new Variant("x", spec), new Variant("y", spec)), List.of(0L), List.of())),
                List.of(0L, 1L, 2L));
        assertEquals(List.of("x", "y"), combined.variants().stream().map(Variant::name).toList());
        assertEquals(List.of(0L, 1L, 2L), combined.seeds());
    }
}
