package org.saelab.api;

import java.util.Objects;

/**
 * How an SAE is saved for inference in SAELens's format, the way SAELens's own training classes
 * save theirs: the inference architecture's name, whether the decoder norms are folded into the
 * encoder (W_enc columns and b_enc scaled by ‖W_dec[j]‖, W_dec rows normalised), and the
 * architecture's own settings. The exporter in the runner dispatches on this record only.
 *
 * @param architecture SAELens's inference architecture: {@code jumprelu}, {@code topk} or {@code standard}
 * @param foldDecoderNorms whether to fold the decoder norms into the encoder when saving
 * @param k the integer k of {@code topk}; null otherwise
 * @param threshold the JumpReLU threshold of every latent (in the folded scale) for {@code jumprelu}; null otherwise
 */
public record SaeLensForm(String architecture, boolean foldDecoderNorms, Integer k, Double threshold) {
    public SaeLensForm {
        Objects.requireNonNull(architecture, "architecture is null");
        switch (architecture) {
            case "jumprelu" -> {
                if (threshold == null || !Double.isFinite(threshold) || k != null) {
                    throw new IllegalArgumentException("jumprelu needs a finite threshold and no k, got " + threshold + ", " + k);
                }
            }
            case "topk" -> {
                if (k == null || k < 1 || threshold != null) {
                    throw new IllegalArgumentException("topk needs an integer k >= 1 and no threshold, got " + k + ", " + threshold);
                }
            }
            case "standard" -> {
                if (k != null || threshold != null) {
                    throw new IllegalArgumentException("standard takes neither k nor threshold");
                }
            }
            default -> throw new IllegalArgumentException("unknown SAELens architecture " + architecture
                    + "; known: jumprelu, standard, topk");
        }
    }

    /**
     * A BatchTopK SAE at inference, as SAELens saves one: JumpReLU with the running threshold of
     * the decoder-norm-scaled activations, decoder norms folded.
     */
    public static SaeLensForm jumpRelu(double threshold) {
        return new SaeLensForm("jumprelu", true, null, threshold);
    }

    /** A TopK SAE trained with decoder-norm rescaling: per-sample top k, decoder norms folded. */
    public static SaeLensForm topK(int k) {
        return new SaeLensForm("topk", true, k, null);
    }

    /** A ReLU SAE: saved as trained, without folding (as SAELens saves its standard SAEs). */
    public static SaeLensForm standard() {
        return new SaeLensForm("standard", false, null, null);
    }
}
