package org.saelab.architectures.topk;

import org.saelab.api.LinearSae;
import org.saelab.api.SparseCode;
import org.saelab.api.TopK;
import org.saelab.api.TrainingState;

/**
 * TopK SAE: decoder-norm-rescaled activations as in BatchTopK, but each sample keeps its own k
 * largest positive activations. A k asked for by a loss term or at inference is taken per
 * sample and rounded down (⌊k⌋), so a multi-L0 term at k = 2.5 keeps 2 latents per sample.
 * Inference in threshold mode uses the running threshold of {@link LinearSae}, learnt from the
 * smallest kept activation of each training batch.
 */
public final class TopKSae extends LinearSae {
    private final double k;

    public TopKSae(int inputDim, TopKConfig config) {
        super(inputDim, config.dSae(), true);
        this.k = config.k();
    }

    /** SAELens's {@code topk} SAE, with the decoder-norm rescaling of its activations. */
    @Override
    public java.util.Optional<org.saelab.api.SaeLensForm> saeLensForm() {
        return java.util.Optional.of(org.saelab.api.SaeLensForm.topK((int) k()));
    }

    @Override
    public double k() {
        return k;
    }

    @Override
    public void select(TrainingState state, double selectK, SparseCode out) {
        TopK.selectPerRow(state.pre, state.batchSize, width, perSample(selectK), state.scratch, out);
    }

    @Override
    protected void selectTopKInference(float[] activations, int rows, double inferenceK) {
        int keep = perSample(inferenceK);
        float[] scratch = new float[width];
        for (int b = 0; b < rows; b++) {
            TopK.keepLargest(activations, b * width, (b + 1) * width, keep, scratch);
        }
    }

    private int perSample(double selectK) {
        return (int) Math.min(width, Math.floor(selectK));
    }
}
