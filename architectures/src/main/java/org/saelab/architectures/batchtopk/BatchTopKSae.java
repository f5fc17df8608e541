package org.saelab.architectures.batchtopk;

import org.saelab.api.LinearSae;
import org.saelab.api.SparseCode;
import org.saelab.api.TopK;
import org.saelab.api.TrainingState;

/** SAELens's BatchTopK SAE: decoder-norm-rescaled activations, top ⌊k·B⌋ over the batch. */
public final class BatchTopKSae extends LinearSae {
    private final double k;

    public BatchTopKSae(int inputDim, BatchTopKConfig config) {
        super(inputDim, config.dSae(), true);
        this.k = config.k();
    }

    @Override
    public double k() {
        return k;
    }

    /** Saved as SAELens saves a BatchTopK SAE for inference: JumpReLU at the running threshold. */
    @Override
    public java.util.Optional<org.saelab.api.SaeLensForm> saeLensForm() {
        return java.util.Optional.of(org.saelab.api.SaeLensForm.jumpRelu(threshold()));
    }

    @Override
    public void select(TrainingState state, double selectK, SparseCode out) {
        long keep = (long) Math.floor(selectK * state.batchSize);
        TopK.selectBatch(state.pre, state.batchSize, width, keep, state.scratch, out, state.cutHint);
    }
}
