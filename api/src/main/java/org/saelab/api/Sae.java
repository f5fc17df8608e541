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
