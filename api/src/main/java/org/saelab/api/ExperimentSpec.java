package org.saelab.api;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What an experiment module binds: the run it makes, with plugin components named by type (so
 * experiments depend on the api only). The runner fills in each plugin's defaults, applies the
 * user's overrides and validates the result into a {@link RunSpec}.
 */
public record ExperimentSpec(ComponentSpec sampler, ComponentSpec architecture, List<ComponentSpec> loss,
        TrainingConfig training, EvaluationConfig evaluation) {
    public ExperimentSpec {
        requireNonNull(sampler, "sampler is null");
        requireNonNull(architecture, "architecture is null");
        loss = List.copyOf(loss);
        requireNonNull(training, "training is null");
        requireNonNull(evaluation, "evaluation is null");
    }
}
