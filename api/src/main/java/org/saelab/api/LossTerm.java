package org.saelab.api;

/**
 * One weighted term of the training loss. It reads the step's state (the batch, the encoding,
 * the main code and its reconstruction), adds its gradient through the SAE's primitives and
 * returns its (already weighted) value.
 */
public interface LossTerm {
    double apply(TrainingState state, Sae sae);
}
