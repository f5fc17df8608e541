package org.saelab.runner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.EvaluationContext;
import org.saelab.api.GroundTruth;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;

class EvaluatorGroundTruthTest {
    private record Needs(String name, GroundTruth groundTruthNeeded) implements Metric {
        @Override
        public String description() {
            return name;
        }

        @Override
        public MetricValue compute(EvaluationContext context) {
            return MetricValue.of(context.samples());
        }
    }

    private static final List<Metric> METRICS = List.of(new Needs("reconstruction", GroundTruth.NONE),
            new Needs("cosines", GroundTruth.DIRECTIONS), new Needs("trueActivations", GroundTruth.FULL));

    private static EvaluationContext context(float[] directions, float[] features) {
        return new EvaluationContext(2, 1, 1, directions == null ? 0 : 1, new float[2], features, new float[2], new float[2],
                directions, new float[1], new float[1], new float[1], EvaluationConfig.defaults());
    }

    @Test
    void metricsRunOnlyWhereTheirGroundTruthIsKnown() {
        EvaluationContext none = context(null, null);
        EvaluationContext directions = context(new float[] {1}, null);
        EvaluationContext full = context(new float[] {1}, new float[2]);
        assertEquals(GroundTruth.NONE, none.groundTruth());
        assertEquals(GroundTruth.DIRECTIONS, directions.groundTruth());
        assertEquals(GroundTruth.FULL, full.groundTruth());
        assertEquals(List.of("reconstruction"), List.copyOf(Evaluator.metrics(none, METRICS).keySet()));
        assertEquals(List.of("cosines", "trueActivations"), Evaluator.skipped(none, METRICS));
        assertEquals(List.of("reconstruction", "cosines"), List.copyOf(Evaluator.metrics(directions, METRICS).keySet()));
        assertEquals(List.of("trueActivations"), Evaluator.skipped(directions, METRICS));
        assertEquals(3, Evaluator.metrics(full, METRICS).size());
        assertEquals(List.of(), Evaluator.skipped(full, METRICS));
    }
}
