package org.saelab.architectures.batchtopk;

import java.util.SplittableRandom;
import org.saelab.api.LossTerm;
import org.saelab.api.SaeParameters;
import org.saelab.api.TrainingState;

/** Seeded SAEs, batches and a plain MSE term shared by the batchtopk tests. */
final class BatchTopKFixtures {
    private BatchTopKFixtures() {}

    /**
     * MSE written here because the losses module is not visible to this one: mean over the batch
     * of Σ_d (x̂ − x)², gradient 2(x̂ − x)/B.
     */
    static final LossTerm MSE = (s, sae) -> {
        double sum = 0;
        int n = s.batchSize * s.inputDim;
        for (int e = 0; e < n; e++) {
            float diff = s.reconstruction[e] - s.batch.inputs[e];
            sum += (double) diff * diff;
            s.gradReconstruction[e] = 2f * diff / s.batchSize;
        }
        sae.backwardDecode(s, s.main, sae.width(), s.gradReconstruction);
        return sum / s.batchSize;
    };

    /**
     * SAELens's random init, then nonzero biases and every other decoder row rescaled (norms from
     * 0.3 to 1.3 instead of 0.1), so the biases and the decoder-norm path all carry gradient.
     */
    static BatchTopKSae perturbedSae(int inputDim, int width, double k, long seed, double scale) {
        BatchTopKSae sae = new BatchTopKSae(inputDim, new BatchTopKConfig(width, k));
        sae.initialiseRandom(seed);
        SaeParameters parameters = sae.parameters();
        float[] p = parameters.data();
        SplittableRandom random = new SplittableRandom(seed + 100);
        for (int j = 0; j < width; j++) {
            p[parameters.bEncOffset() + j] = (float) (0.05 * scale * random.nextGaussian());
            double rowScale = j % 2 == 0 ? 1 : 3 + 10 * random.nextDouble();
            for (int i = 0; i < inputDim; i++) {
                p[parameters.wDecOffset() + j * inputDim + i] *= (float) rowScale;
            }
        }
        for (int i = 0; i < inputDim; i++) {
            p[parameters.bDecOffset() + i] = (float) (0.1 * scale * random.nextGaussian());
        }
        return sae;
    }

    /** A state holding a batch of Gaussian inputs of standard deviation {@code scale}. */
    static TrainingState gaussianState(int batchSize, int inputDim, int width, double k, long seed, double scale) {
        TrainingState state = new TrainingState(batchSize, inputDim, width, 1);
        SplittableRandom random = new SplittableRandom(seed);
        for (int e = 0; e < state.batch.inputs.length; e++) {
            state.batch.inputs[e] = (float) (scale * random.nextGaussian());
        }
        state.k = k;
        return state;
    }

    static double[] decoderNorms(BatchTopKSae sae) {
        SaeParameters parameters = sae.parameters();
        float[] p = parameters.data();
        int d = sae.inputDim();
        double[] norms = new double[sae.width()];
        for (int j = 0; j < sae.width(); j++) {
            double sum = 0;
            for (int i = 0; i < d; i++) {
                double v = p[parameters.wDecOffset() + j * d + i];
                sum += v * v;
            }
            norms[j] = Math.sqrt(sum);
        }
        return norms;
    }

    /** pre = ((x − b_dec) · W_enc + b_enc) · ‖W_dec[j]‖ in double, [rows × width]. */
    static double[] referencePre(BatchTopKSae sae, float[] x, int rows) {
        SaeParameters parameters = sae.parameters();
        float[] p = parameters.data();
        int d = sae.inputDim();
        int w = sae.width();
        double[] norms = decoderNorms(sae);
        double[] pre = new double[rows * w];
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < w; j++) {
                double sum = p[parameters.bEncOffset() + j];
                for (int i = 0; i < d; i++) {
                    double centered = (double) x[b * d + i] - p[parameters.bDecOffset() + i];
                    sum += centered * p[parameters.wEncOffset() + i * w + j];
                }
                pre[b * w + j] = sum * norms[j];
            }
        }
        return pre;
    }

    /** x̂ = Σ_j (a_j / ‖W_dec[j]‖) W_dec[j] + b_dec in double from dense activations [rows × width]. */
    static double[] referenceDecode(BatchTopKSae sae, double[] activations, int rows) {
        SaeParameters parameters = sae.parameters();
        float[] p = parameters.data();
        int d = sae.inputDim();
        int w = sae.width();
        double[] norms = decoderNorms(sae);
        double[] out = new double[rows * d];
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < d; i++) {
                double sum = p[parameters.bDecOffset() + i];
                for (int j = 0; j < w; j++) {
                    sum += activations[b * w + j] / norms[j] * p[parameters.wDecOffset() + j * d + i];
                }
                out[b * d + i] = sum;
            }
        }
        return out;
    }
}
