package org.saelab.api;

/**
 * Every buffer one training step needs, allocated once per run and overwritten each step. The
 * trainer fills {@link #batch}, asks the SAE to encode and select the main code, decodes it into
 * {@link #reconstruction}; loss terms add their value and gradients; the SAE's backward pass
 * turns {@link #gradPre} into parameter gradients in {@link #grads}.
 */
public final class TrainingState {
    public final int batchSize;
    public final int inputDim;
    public final int width;
    /** The batch of this step; the trainer may swap in a prefetched buffer of the same shape. */
    public Batch batch;
    /** x − b_dec, [B × inputDim]. */
    public final float[] centered;
    /** Pre-activations before the decoder-norm scaling, [B × width]. */
    public final float[] preRaw;
    /** Pre-activations after the decoder-norm scaling (what selection sees), [B × width]. */
    public final float[] pre;
    /** dLoss/dpre (scaled space), [B × width]; zeroed every step. */
    public final float[] gradPre;
    /** Decoder row norms ‖W_dec[j]‖ (1 when the architecture does not rescale). */
    public final float[] norms;
    /** dLoss/d‖W_dec[j]‖ accumulated over terms. */
    public final float[] gradNorms;
    /** The code at the training k: the one that counts for firing statistics and inference. */
    public final SparseCode main;
    /** Reconstruction from {@link #main}, [B × inputDim]. */
    public final float[] reconstruction;
    /** Scratch for a term's dLoss/dreconstruction, [B × inputDim]. */
    public final float[] gradReconstruction;
    /** Parameter gradients, same layout as {@link SaeParameters#data()}. */
    public final float[] grads;
    /** Steps since each latent last fired in {@link #main}. */
    public final long[] stepsSinceFired;
    /** Scratch of B × width floats for selection. */
    public final float[] scratch;
    /** The recent cuts of batch top-k selection, which make the next step's selection faster. */
    public final TopK.CutHint cutHint = new TopK.CutHint();
    /** The training k of this step (a schedule may change it). */
    public double k;
    /** Steps completed before this one. */
    public long step;

    public TrainingState(int batchSize, int inputDim, int width, int numFeatures) {
        this.batchSize = batchSize;
        this.inputDim = inputDim;
        this.width = width;
        int activations = Math.multiplyExact(batchSize, width);
        int inputs = Math.multiplyExact(batchSize, inputDim);
        batch = new Batch(batchSize, inputDim, numFeatures);
        centered = new float[inputs];
        preRaw = new float[activations];
        pre = new float[activations];
        gradPre = new float[activations];
        norms = new float[width];
        gradNorms = new float[width];
        main = new SparseCode(activations);
        reconstruction = new float[inputs];
        gradReconstruction = new float[inputs];
        grads = new float[SaeParameters.size(inputDim, width)];
        stepsSinceFired = new long[width];
        scratch = new float[activations];
    }

    /** Number of latents that have not fired for more than {@code window} steps. */
    public int deadCount(long window) {
        int dead = 0;
        for (long s : stepsSinceFired) {
            if (s > window) {
                dead++;
            }
        }
        return dead;
    }
}
