package org.saelab.metrics;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import org.saelab.api.EvaluationContext;
import org.saelab.api.GroundTruth;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;

/** A metric given by its name, description and a pure function of the evaluation context. */
final class FunctionMetric implements Metric {
    private final String name;
    private final String description;
    private final GroundTruth needed;
    private final Function<EvaluationContext, MetricValue> compute;

    /** {@code needsGroundTruth}: whether the metric reads the true directions (not the feature activations). */
    FunctionMetric(String name, String description, boolean needsGroundTruth, Function<EvaluationContext, MetricValue> compute) {
        this(name, description, needsGroundTruth ? GroundTruth.DIRECTIONS : GroundTruth.NONE, compute);
    }

    FunctionMetric(String name, String description, GroundTruth needed, Function<EvaluationContext, MetricValue> compute) {
        this.name = requireNonNull(name, "name is null");
        this.description = requireNonNull(description, "description is null");
        this.needed = requireNonNull(needed, "needed is null");
        this.compute = requireNonNull(compute, "compute is null");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean needsGroundTruth() {
        return needed != GroundTruth.NONE;
    }

    @Override
    public GroundTruth groundTruthNeeded() {
        return needed;
    }

    @Override
    public MetricValue compute(EvaluationContext context) {
        return compute.apply(context);
    }
}
