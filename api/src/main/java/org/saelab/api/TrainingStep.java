package org.saelab.api;

import java.util.Arrays;
import java.util.List;

/** One forward and backward pass: the loss of the batch in {@code state} and its gradients. */
public final class TrainingStep {
    private TrainingStep() {}

    /**
     * Encodes the batch, selects the main code at {@code state.k}, decodes it into
     * {@code state.reconstruction}, applies every term and back-propagates into
     * {@code state.grads}. Returns the total loss.
     */
    public static double forwardBackward(Sae sae, List<LossTerm> terms, TrainingState state) {
        Arrays.fill(state.grads, 0f);
        Arrays.fill(state.gradPre, 0f);
        Arrays.fill(state.gradNorms, 0f);
        sae.encode(state);
        state.main.clear();
        sae.select(state, state.k, state.main);
        sae.decode(state, state.main, sae.width(), state.reconstruction);
        double loss = 0;
        for (int t = 0; t < terms.size(); t++) {
            loss += terms.get(t).apply(state, sae);
        }
        sae.backwardEncode(state);
        return loss;
    }

    /** Marks which latents fired in the main code (for dead-latent tracking). */
    public static void updateFiring(TrainingState state) {
        long[] since = state.stepsSinceFired;
        for (int j = 0; j < since.length; j++) {
            since[j]++;
        }
        SparseCode code = state.main;
        for (int e = 0; e < code.count(); e++) {
            if (code.values[e] > 0f) {
                since[code.latents[e]] = 0;
            }
        }
    }
}
