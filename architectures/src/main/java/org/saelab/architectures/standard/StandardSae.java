package org.saelab.architectures.standard;

import org.saelab.api.LinearSae;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;

/**
 * The standard ReLU SAE. Activations are kept in the decoder-norm-scaled space like the other
 * architectures: a_j = relu(pre_j) · ‖W_dec[j]‖ with pre_j = (x − b_dec) · W_enc[:, j] +
 * b_enc[j], and x̂ = Σ_j (a_j / ‖W_dec[j]‖) W_dec[j] + b_dec = Σ_j relu(pre_j) W_dec[j] + b_dec.
 * The reconstruction is therefore exactly SAELens's standard SAE on the same parameters, and
 * the L1 term's Σ_j a_j of these scaled activations is SAELens's decoder-norm-weighted penalty
 * Σ_j relu(pre_j) ‖W_dec[j]‖ (its {@code scale_sparsity_penalty_by_decoder_norm}), with the
 * gradient through the norms flowing through the shared backward pass.
 *
 * <p>There is no k: {@link #k()} is NaN and selection keeps every positive entry whatever k a
 * term asks for. At inference the top-k mode with no k (the default) keeps every positive
 * activation; an explicit evaluation k keeps the ⌊k · rows⌋ largest over the batch, and the
 * threshold mode keeps those above the running threshold.
 */
public final class StandardSae extends LinearSae {
    public StandardSae(int inputDim, StandardConfig config) {
        super(inputDim, config.dSae(), true);
    }

    /**
     * SAELens's {@code standard} SAE: relu of the scaled pre-activation divided by the norm is
     * relu of the raw one, so the weights are saved as they are.
     */
    @Override
    public java.util.Optional<org.saelab.api.SaeLensForm> saeLensForm() {
        return java.util.Optional.of(org.saelab.api.SaeLensForm.standard());
    }

    @Override
    public double k() {
        return Double.NaN;
    }

    @Override
    public void select(TrainingState state, double ignoredK, SparseCode out) {
        float[] pre = state.pre;
        for (int b = 0; b < state.batchSize; b++) {
            int row = b * width;
            for (int j = 0; j < width; j++) {
                float v = pre[row + j];
                if (v > 0f) {
                    out.add(b, j, v);
                }
            }
        }
    }

    @Override
    protected void selectTopKInference(float[] activations, int rows, double k) {
        if (Double.isNaN(k)) {
            return;
        }
        super.selectTopKInference(activations, rows, k);
    }
}
