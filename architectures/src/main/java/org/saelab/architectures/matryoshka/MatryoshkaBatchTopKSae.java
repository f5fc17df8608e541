package org.saelab.architectures.matryoshka;

import java.util.List;
import org.saelab.api.LinearSae;
import org.saelab.api.SparseCode;
import org.saelab.api.TopK;
import org.saelab.api.TrainingState;

/**
 * Matryoshka BatchTopK SAE: the encoding, selection (top ⌊k·B⌋ over the whole batch) and both
 * inference modes are BatchTopK's. What makes it Matryoshka is the loss: one reconstruction
 * term per prefix width, each decoding only the latents [0, m_i) of the same code (the
 * {@code latents} field of the {@code mse} term), so early latents must reconstruct on their
 * own and take the general, frequent features.
 */
public final class MatryoshkaBatchTopKSae extends LinearSae {
    private final double k;
    private final List<Integer> prefixes;

    public MatryoshkaBatchTopKSae(int inputDim, MatryoshkaBatchTopKConfig config) {
        super(inputDim, config.dSae(), true);
        this.k = config.k();
        this.prefixes = config.prefixes();
    }

    /** Saved for inference as BatchTopK SAEs are: JumpReLU at the running threshold, norms folded. */
    @Override
    public java.util.Optional<org.saelab.api.SaeLensForm> saeLensForm() {
        return java.util.Optional.of(org.saelab.api.SaeLensForm.jumpRelu(threshold()));
    }

    @Override
    public double k() {
        return k;
    }

    /** The nested widths m_1 < … < m_n = width. */
    public List<Integer> prefixes() {
        return prefixes;
    }

    @Override
    public void select(TrainingState state, double selectK, SparseCode out) {
        long keep = (long) Math.floor(selectK * state.batchSize);
        TopK.selectBatch(state.pre, state.batchSize, width, keep, state.scratch, out, state.cutHint);
    }
}
