package org.saelab.runner.saelens;

import org.saelab.api.Inference;
import org.saelab.api.Sae;
import org.saelab.api.SaeParameters;
import org.saelab.api.SparseCode;
import org.saelab.api.TopK;
import org.saelab.api.TrainingState;

/**
 * An SAE read from a SAELens folder, for evaluation only. It computes what SAELens computes for
 * its architecture: pre = (x − b_dec) · W_enc + b_enc (b_dec only when apply_b_dec_to_input),
 * then jumprelu: relu(pre) where pre &gt; threshold; topk: the k largest per sample, relu'd (with
 * pre ⊙ ‖W_dec‖ and a / ‖W_dec‖ when rescale_acts_by_decoder_norm); standard: relu(pre); and
 * x̂ = a · W_dec + b_dec. The inference mode of the evaluation config is not used: the
 * architecture decides; an evaluation k replaces a topk SAE's k.
 */
public final class LoadedSae implements Sae {
    private final String architecture;
    private final int inputDim;
    private final int width;
    private final SaeParameters parameters;
    private final float[] threshold;
    private final int k;
    private final boolean rescale;
    private final boolean applyBDec;
    private final String saeLensVersion;

    LoadedSae(String architecture, int inputDim, int width, float[] wEnc, float[] bEnc, float[] wDec, float[] bDec,
            float[] threshold, int k, boolean rescale, boolean applyBDec, String saeLensVersion) {
        this.architecture = architecture;
        this.inputDim = inputDim;
        this.width = width;
        this.parameters = new SaeParameters(inputDim, width);
        float[] p = parameters.data();
        System.arraycopy(wEnc, 0, p, parameters.wEncOffset(), wEnc.length);
        System.arraycopy(bEnc, 0, p, parameters.bEncOffset(), bEnc.length);
        System.arraycopy(wDec, 0, p, parameters.wDecOffset(), wDec.length);
        System.arraycopy(bDec, 0, p, parameters.bDecOffset(), bDec.length);
        this.threshold = threshold == null ? null : threshold.clone();
        this.k = k;
        this.rescale = rescale;
        this.applyBDec = applyBDec;
        this.saeLensVersion = saeLensVersion;
    }

    public String architecture() {
        return architecture;
    }

    /** The JumpReLU thresholds [d_sae] (a copy), or null for other architectures. */
    public float[] thresholds() {
        return threshold == null ? null : threshold.clone();
    }

    /** metadata.sae_lens_version of cfg.json, or null. */
    public String saeLensVersion() {
        return saeLensVersion;
    }

    public boolean rescalesByDecoderNorm() {
        return rescale;
    }

    public boolean appliesDecoderBiasToInput() {
        return applyBDec;
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public SaeParameters parameters() {
        return parameters;
    }

    @Override
    public double k() {
        return architecture.equals("topk") ? k : Double.NaN;
    }

    @Override
    public void infer(float[] inputs, int rows, Inference inference, double evaluationK, float[] activations) {
        float[] p = parameters.data();
        int bEnc = parameters.bEncOffset();
        int bDec = parameters.bDecOffset();
        float[] norms = decoderNorms();
        float[] centered = new float[inputDim];
        for (int b = 0; b < rows; b++) {
            int xRow = b * inputDim;
            int aRow = b * width;
            for (int i = 0; i < inputDim; i++) {
                centered[i] = inputs[xRow + i] - (applyBDec ? p[bDec + i] : 0f);
            }
            System.arraycopy(p, bEnc, activations, aRow, width);
            for (int i = 0; i < inputDim; i++) {
                float c = centered[i];
                int wRow = i * width;
                for (int j = 0; j < width; j++) {
                    activations[aRow + j] += c * p[wRow + j];
                }
            }
            for (int j = 0; j < width; j++) {
                float pre = activations[aRow + j];
                float a;
                switch (architecture) {
                    case "jumprelu" -> a = pre > threshold[j] && pre > 0f ? pre : 0f;
                    case "topk" -> {
                        float scaled = rescale ? pre * norms[j] : pre;
                        a = scaled > 0f ? scaled : 0f;
                    }
                    default -> a = pre > 0f ? pre : 0f;
                }
                activations[aRow + j] = a;
            }
        }
        if (architecture.equals("topk")) {
            int keep = Double.isNaN(evaluationK) ? k : (int) Math.round(evaluationK);
            float[] scratch = new float[width];
            for (int b = 0; b < rows; b++) {
                TopK.keepLargest(activations, b * width, (b + 1) * width, keep, scratch);
            }
        }
    }

    @Override
    public void decodeActivations(float[] activations, int rows, float[] out) {
        float[] p = parameters.data();
        int bDec = parameters.bDecOffset();
        int wDec = parameters.wDecOffset();
        float[] norms = decoderNorms();
        boolean divide = architecture.equals("topk") && rescale;
        for (int b = 0; b < rows; b++) {
            int outRow = b * inputDim;
            System.arraycopy(p, bDec, out, outRow, inputDim);
            for (int j = 0; j < width; j++) {
                float a = activations[b * width + j];
                if (a == 0f) {
                    continue;
                }
                float scale = divide ? a / norms[j] : a;
                int row = wDec + j * inputDim;
                for (int i = 0; i < inputDim; i++) {
                    out[outRow + i] += scale * p[row + i];
                }
            }
        }
    }

    private float[] decoderNorms() {
        float[] p = parameters.data();
        int wDec = parameters.wDecOffset();
        float[] norms = new float[width];
        for (int j = 0; j < width; j++) {
            double sum = 0;
            for (int i = 0; i < inputDim; i++) {
                double v = p[wDec + j * inputDim + i];
                sum += v * v;
            }
            norms[j] = (float) Math.sqrt(sum);
        }
        return norms;
    }

    private static UnsupportedOperationException inferenceOnly() {
        return new UnsupportedOperationException("an SAE loaded from a SAELens folder is for evaluation only");
    }

    @Override
    public void encode(TrainingState state) {
        throw inferenceOnly();
    }

    @Override
    public void select(TrainingState state, double selectK, SparseCode out) {
        throw inferenceOnly();
    }

    @Override
    public void decode(TrainingState state, SparseCode code, int latentLimit, float[] out) {
        throw inferenceOnly();
    }

    @Override
    public void backwardDecode(TrainingState state, SparseCode code, int latentLimit, float[] gradOut) {
        throw inferenceOnly();
    }

    @Override
    public void backwardEncode(TrainingState state) {
        throw inferenceOnly();
    }

    @Override
    public String toString() {
        return architecture + " SAE, d_in " + inputDim + ", d_sae " + width
                + (architecture.equals("topk") ? ", k " + k : "")
                + (threshold != null ? ", threshold " + summary(threshold) : "");
    }

    private static String summary(float[] values) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return min == max ? String.valueOf(min) : min + " to " + max;
    }
}
