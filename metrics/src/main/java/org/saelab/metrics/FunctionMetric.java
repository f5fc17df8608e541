package org.saelab.metrics;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import org.saelab.api.EvaluationContext;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;

/** A metric given by its name, description and a pure function of the evaluation context. */
final class FunctionMetric implements Metric {
    private final String name;
    private final String description;
    private final boolean needsGroundTruth;
    private final Function<EvaluationContext, MetricValue> compute;

    FunctionMetric(String name, String description, boolean needsGroundTruth, Function<EvaluationContext, MetricValue> compute) {
        this.name = requireNonNull(name, "name is null");
        this.description = requireNonNull(description, "description is null");
        this.needsGroundTruth = needsGroundTruth;
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
        return needsGroundTruth;
    }

    @Override
    public MetricValue compute(EvaluationContext context) {
        return compute.apply(context);
    }
}
