package org.saelab.experiments.post;

import java.util.List;
import org.saelab.api.ComponentSpec;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.TrainingConfig;

/**
 * The setup of the post "L0 is not a neutral hyperparameter": the post20 toy model, a BatchTopK
 * SAE of 20 latents trained with MSE and the AuxK dead-latent loss (SAELens's defaults),
 * 25,000,000 samples in batches of 1024, Adam 3e-4, seed 0.
 */
final class PostDefaults {
    private PostDefaults() {}

    static ExperimentSpec batchTopK(double k) {
        return new ExperimentSpec(
                ComponentSpec.of("post20"),
                ComponentSpec.of("batchtopk", "dSae", 20, "k", k),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk")),
                TrainingConfig.defaults(),
                EvaluationConfig.defaults());
    }
}
