package org.saelab.api;

/** Observes a training run. Called on the training thread; keep it cheap. */
public interface TrainingListener {
    default void onStart(long totalSteps, int batchSize) {}

    /** After every optimiser step; {@code step} counts from 1. */
    default void onStep(long step, double loss, TrainingState state, Sae sae) {}

    default void onFinish(long steps) {}
}
