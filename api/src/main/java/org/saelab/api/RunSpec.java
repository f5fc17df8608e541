package org.saelab.api;

import java.util.List;

/** Everything one training run is made of; the full resolved config written to result.json. */
public record RunSpec(SamplerConfig sampler, ArchitectureConfig architecture, List<LossTermConfig> loss,
        TrainingConfig training, EvaluationConfig evaluation) {
    public RunSpec {
        ConfigException.check(sampler != null, "sampler", null, "is required");
        ConfigException.check(architecture != null, "architecture", null, "is required");
        ConfigException.check(loss != null && !loss.isEmpty(), "loss", loss, "needs at least one term");
        ConfigException.check(training != null, "training", null, "is required");
        ConfigException.check(evaluation != null, "evaluation", null, "is required");
        loss = List.copyOf(loss);
    }

    public RunSpec withTraining(TrainingConfig newTraining) {
        return new RunSpec(sampler, architecture, loss, newTraining, evaluation);
    }
}
