package org.saelab.api;

/**
 * An SAE architecture: owns its parameters and its forward and backward passes. The trainer
 * owns the loop, optimiser, seeds and listeners; loss terms combine the primitives below.
 * Most architectures extend {@link LinearSae} and only choose how latents are selected.
 */
public interface Sae {
    int inputDim();

    int width();

    SaeParameters parameters();

    /** The architecture's own k (latents per sample); NaN when it has none. */
    double k();

    /** Fills {@code state.centered}, {@code preRaw}, {@code pre} and {@code norms} from the batch. */
    void encode(TrainingState state);

    /** Selects the active latents of the batch at {@code k} from {@code state.pre}. */
    void select(TrainingState state, double k, SparseCode out);

    /** Decodes the entries of {@code code} with latent index below {@code latentLimit}. */
    void decode(TrainingState state, SparseCode code, int latentLimit, float[] out);

    /**
     * Given dLoss/d(decode output), adds the gradients of W_dec, b_dec and the norms, and adds
     * dLoss/dvalue of each entry into {@code state.gradPre}.
     */
    void backwardDecode(TrainingState state, SparseCode code, int latentLimit, float[] gradOut);

    /** Turns {@code state.gradPre} and {@code state.gradNorms} into parameter gradients. */
    void backwardEncode(TrainingState state);

    /**
     * The squared error of a code's reconstruction against the batch, back through the decoder:
     * decodes the entries of {@code code} with latent below {@code latentLimit} into {@code out}
     * (unless {@code decoded}: then {@code out} holds that reconstruction already), and calls
     * {@link #backwardDecode} with dLoss/dx̂ = {@code gradScale} · (x̂ − x). Returns Σ (x̂ − x)²
     * over the batch (each square in float, the sum in double). An SAE may do all of it in one
     * pass, with the same floats.
     */
    default double squaredErrorBackward(TrainingState state, SparseCode code, int latentLimit, float gradScale,
            float[] out, boolean decoded) {
        if (!decoded) {
            decode(state, code, latentLimit, out);
        }
        float[] grad = state.gradReconstruction;
        double squares = Kernels.scaledDifference(out, state.batch.inputs, state.batchSize * state.inputDim,
                gradScale, grad);
        backwardDecode(state, code, latentLimit, grad);
        return squares;
    }

    /**
     * The rest of a step whose only loss term is {@code weight} · MSE of the main code's whole
     * reconstruction, as one pass when the SAE has one: the same floats as {@link #decode} into
     * {@code state.reconstruction}, the term and {@link #backwardEncode} one after another.
     * Returns the loss, or NaN, having changed nothing, when it has no such pass for this state
     * (the step then makes those calls).
     */
    default double mainSquaredErrorStep(TrainingState state, float weight) {
        return Double.NaN;
    }

    /** Called after each optimiser step with the step's main code (e.g. running thresholds). */
    default void afterStep(TrainingState state) {}

    /**
     * Dense inference activations [rows × width] (scaled space) for {@code inputs}. Must only
     * read the SAE: the evaluation calls it from several threads at once (one per inference k).
     */
    void infer(float[] inputs, int rows, Inference inference, double k, float[] activations);

    /** Reconstruction [rows × inputDim] from dense activations. Must only read the SAE, as {@link #infer}. */
    void decodeActivations(float[] activations, int rows, float[] out);

    /**
     * Starts from the correct solution: the first rows of W_dec become the true directions
     * [numFeatures × inputDim], W_enc their transpose, biases zero.
     */
    default void initialiseToDirections(float[] directions, int numFeatures) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot start from the true directions");
    }

    /** The running inference threshold (NaN if the architecture has none). */
    default double threshold() {
        return Double.NaN;
    }

    /**
     * How this SAE is saved in SAELens's inference format (the run folder's {@code sae/}); empty
     * when it has no SAELens equivalent, and then no {@code sae/} folder is written.
     */
    default java.util.Optional<SaeLensForm> saeLensForm() {
        return java.util.Optional.empty();
    }
}
