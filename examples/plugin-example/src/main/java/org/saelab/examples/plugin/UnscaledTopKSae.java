package org.saelab.examples.plugin;

import org.saelab.api.LinearSae;
import org.saelab.api.SparseCode;
import org.saelab.api.TopK;
import org.saelab.api.TrainingState;

/**
 * Per-sample top-k on the raw pre-activations {@code (x − b_dec) · W_enc + b_enc}: unlike the
 * core {@code topk}, activations are not multiplied by the decoder row norms, so a latent can
 * win the selection by a large encoder column and a small decoder row. {@link LinearSae} does
 * the encoding, decoding, both backward passes and the running inference threshold; this class
 * only says which latents are active.
 */
public final class UnscaledTopKSae extends LinearSae {
    private final double k;

    public UnscaledTopKSae(int inputDim, UnscaledTopKConfig config) {
        super(inputDim, config.dSae(), false);
        this.k = config.k();
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
