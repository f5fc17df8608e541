package org.saelab.api;

/**
 * One weighted term of the training loss. It reads the step's state (the batch, the encoding,
 * the main code and its reconstruction), adds its gradient through the SAE's primitives and
 * returns its (already weighted) value.
 */
public interface LossTerm {
    double apply(TrainingState state, Sae sae);

    /**
     * When this term is {@code w} · MSE of the main code's whole reconstruction and nothing else
     * at this step, {@code w} (a float); otherwise NaN. A step whose only term says so may run
     * the SAE's {@link Sae#mainSquaredErrorStep} instead of {@link #apply}.
     */
    default double mainSquaredErrorWeight(TrainingState state, Sae sae) {
        return Double.NaN;
    }

    /**
     * Whether {@link #apply} would return 0 at this step and change nothing: no gradient, no
     * state (e.g. a dead-latent term while no latent is dead). False unless the term knows.
     */
    default boolean idle(TrainingState state, Sae sae) {
        return false;
    }
}
