package org.saelab.experiments.post;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;
import org.saelab.api.ExperimentModule;
import org.saelab.api.ExperimentPlan;

/** An experiment of the post: a name, a line of description, and its plan. */
public final class PostExperiment extends ExperimentModule {
    private final String name;
    private final String description;
    private final Supplier<ExperimentPlan> plan;

    PostExperiment(String name, String description, Supplier<ExperimentPlan> plan) {
        this.name = requireNonNull(name, "name is null");
        this.description = requireNonNull(description, "description is null");
        this.plan = requireNonNull(plan, "plan is null");
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
    protected ExperimentPlan plan() {
        return plan.get();
    }
}
