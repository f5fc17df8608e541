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
        double fused = fusedRest(sae, terms, state);
        if (!Double.isNaN(fused)) {
            return fused;
        }
        sae.decode(state, state.main, sae.width(), state.reconstruction);
        double loss = 0;
        for (int t = 0; t < terms.size(); t++) {
            loss += terms.get(t).apply(state, sae);
        }
        sae.backwardEncode(state);
        return loss;
    }

    private static volatile boolean fusion = !"false".equals(System.getProperty("saelab.fuse"));

    /**
     * Whether steps may run the SAE's fused pass ({@link Sae#mainSquaredErrorStep}); on by
     * default, {@code -Dsaelab.fuse=false} turns it off. The results are the same either way.
     * For tests and benchmarks.
     */
    public static void setFusion(boolean on) {
        fusion = on;
    }

    /**
     * After selection, the rest of the step as the SAE's one fused pass, when fusion is on, one
     * term is an MSE of the main code, every other term is {@linkplain LossTerm#idle idle} and the
     * SAE has such a pass: returns the loss (the same double: the idle terms add zeros). NaN
     * otherwise, having changed nothing: the caller decodes, applies the terms and runs the
     * backward pass.
     */
    public static double fusedRest(Sae sae, List<LossTerm> terms, TrainingState state) {
        if (!fusion) {
            return Double.NaN;
        }
        double weight = Double.NaN;
        for (int t = 0; t < terms.size(); t++) {
            LossTerm term = terms.get(t);
            double w = Double.isNaN(weight) ? term.mainSquaredErrorWeight(state, sae) : Double.NaN;
            if (!Double.isNaN(w)) {
                weight = w;
            } else if (!term.idle(state, sae)) {
                return Double.NaN;
            }
        }
        return Double.isNaN(weight) ? Double.NaN : sae.mainSquaredErrorStep(state, (float) weight);
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
