package org.saelab.experiments.post;

import java.util.List;
import java.util.Map;
import org.saelab.api.ComponentSpec;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.KSchedule;
import org.saelab.api.TrainingConfig;
import org.saelab.api.Variant;

/**
 * The runs of the post "L0 is not a neutral hyperparameter": the post20 toy model, a BatchTopK
 * SAE of 20 latents trained with MSE and the AuxK dead-latent loss (SAELens's defaults),
 * 25,000,000 samples in batches of 1024, Adam 3e-4. A variant's name fixes its definition, so
 * experiments that share a variant (and post-all, which merges them by name) run the same thing.
 */
public final class PostDefaults {
    /** The post's true L0, and the k at which the post's SAE learns the true features. */
    public static final int TRUE_L0 = 5;
    /** The feature whose mixing into other latents the post calls hedging. */
    public static final int HEDGED_FEATURE = 0;
    /** k values at which the k = 5 SAE is also evaluated (the post's MSE table cuts it to 4 and 3). */
    static final List<Double> CUT_TO = List.of(4.0, 3.0);
    /** Snapshots of the k-decay run: every this many steps (about 49 frames over 24,415 steps). */
    static final int DECAY_SNAPSHOT_EVERY = 500;

    private PostDefaults() {}

    static ExperimentSpec batchTopK(double k) {
        return new ExperimentSpec(
                ComponentSpec.of("post20"),
                ComponentSpec.of("batchtopk", "dSae", 20, "k", k),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk")),
                TrainingConfig.defaults(),
                EvaluationConfig.defaults());
    }

    /** "k4": BatchTopK at k with MSE + AuxK; k = 5 is also evaluated cut to k = 4 and 3. */
    static Variant atK(int k) {
        ExperimentSpec spec = batchTopK(k);
        if (k == TRUE_L0) {
            spec = withEvaluation(spec, spec.evaluation().withExtraK(CUT_TO));
        }
        return new Variant("k" + k, spec);
    }

    /** "k4-noauxk": as {@link #atK} without the dead-latent loss. */
    static Variant atKWithoutAuxK(int k) {
        ExperimentSpec base = atK(k).spec();
        ExperimentSpec spec = new ExperimentSpec(base.sampler(), base.architecture(), List.of(ComponentSpec.of("mse")),
                base.training(), base.evaluation());
        return new Variant("k" + k + "-noauxk", spec);
    }

    /** "k-decay": k from 10 down to 2 linearly over the run, the decoder recorded every 500 steps. */
    static Variant kDecay() {
        ExperimentSpec base = batchTopK(2);
        TrainingConfig training = base.training().withKSchedule(KSchedule.linear(10, 2), DECAY_SNAPSHOT_EVERY);
        return new Variant("k-decay", new ExperimentSpec(base.sampler(), base.architecture(), base.loss(), training,
                base.evaluation()));
    }

    /** "multi-l0-4-6-x10": L(k_low) + λ·L(k_high) (+ AuxK); trained and evaluated at k_high. */
    static Variant multiL0(int kLow, int kHigh, int lambda) {
        ExperimentSpec base = batchTopK(kHigh);
        ComponentSpec loss = ComponentSpec.of("multi-l0", "terms", List.of(
                Map.of("k", (double) kLow, "weight", 1.0),
                Map.of("k", (double) kHigh, "weight", (double) lambda)));
        ExperimentSpec spec = new ExperimentSpec(base.sampler(), base.architecture(),
                List.of(loss, ComponentSpec.of("auxk")), base.training(), base.evaluation());
        return new Variant(multiL0Name(kLow, kHigh, lambda), spec);
    }

    static String multiL0Name(int kLow, int kHigh, int lambda) {
        return "multi-l0-" + kLow + "-" + kHigh + "-x" + lambda;
    }

    private static ExperimentSpec withEvaluation(ExperimentSpec spec, EvaluationConfig evaluation) {
        return new ExperimentSpec(spec.sampler(), spec.architecture(), spec.loss(), spec.training(), evaluation);
    }
}
