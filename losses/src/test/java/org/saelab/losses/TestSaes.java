package org.saelab.losses;

import java.util.SplittableRandom;
import org.saelab.api.LinearSae;
import org.saelab.api.SaeParameters;
import org.saelab.api.SparseCode;
import org.saelab.api.TopK;
import org.saelab.api.TrainingState;

/**
 * SAEs and batches for the loss tests (the architectures module is not visible here): a batch
 * top-k SAE with decoder-norm rescaling and a ReLU SAE that keeps every positive pre-activation.
 */
final class TestSaes {
    static final int INPUT_DIM = 12;
    static final int WIDTH = 10;
    static final int BATCH = 16;
    static final double TRAINING_K = 3;

    private TestSaes() {}

    /** Keeps the ⌊k·B⌋ largest positive pre-activations of the batch. */
    static final class BatchTopK extends LinearSae {
        BatchTopK() {
            super(INPUT_DIM, WIDTH, true);
        }

        @Override
        public double k() {
            return TRAINING_K;
        }

        @Override
        public void select(TrainingState state, double k, SparseCode out) {
            TopK.selectBatch(state.pre, state.batchSize, width, (long) Math.floor(k * state.batchSize), state.scratch, out);
        }
    }

    /** Keeps every positive pre-activation whatever k is asked for. */
    static final class Relu extends LinearSae {
        Relu() {
            super(INPUT_DIM, WIDTH, true);
        }

        @Override
        public double k() {
            return Double.NaN;
        }

        @Override
        public void select(TrainingState state, double k, SparseCode out) {
            for (int e = 0; e < state.batchSize * width; e++) {
                if (state.pre[e] > 0f) {
                    out.add(e / width, e % width, state.pre[e]);
                }
            }
        }
    }

    /** SAELens's init, then nonzero biases and decoder rows of different norms (0.1 to 1.3). */
    static <T extends LinearSae> T perturbed(T sae, long seed) {
        sae.initialiseRandom(seed);
        SaeParameters layout = sae.parameters();
        float[] p = layout.data();
        SplittableRandom random = new SplittableRandom(seed + 100);
        for (int j = 0; j < WIDTH; j++) {
            p[layout.bEncOffset() + j] = (float) (0.03 * random.nextGaussian());
            double rowScale = j % 2 == 0 ? 1 : 3 + 10 * random.nextDouble();
            for (int i = 0; i < INPUT_DIM; i++) {
                p[layout.wDecOffset() + j * INPUT_DIM + i] *= (float) rowScale;
            }
        }
        for (int i = 0; i < INPUT_DIM; i++) {
            p[layout.bDecOffset() + i] = (float) (0.05 * random.nextGaussian());
        }
        return sae;
    }

    static BatchTopK batchTopK() {
        return perturbed(new BatchTopK(), 4);
    }

    static Relu relu() {
        return perturbed(new Relu(), 4);
    }

    /** Gaussian inputs of standard deviation 0.5 at the training k; the last {@code dead} latents dead. */
    static TrainingState state(int dead) {
        return state(dead, 7);
    }

    static TrainingState state(int dead, long seed) {
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        SplittableRandom random = new SplittableRandom(seed);
        for (int e = 0; e < state.batch.inputs.length; e++) {
            state.batch.inputs[e] = (float) (0.5 * random.nextGaussian());
        }
        state.k = TRAINING_K;
        for (int j = 0; j < dead; j++) {
            state.stepsSinceFired[WIDTH - 1 - j] = 5000;
        }
        return state;
    }

    /** x̂ in double from dense activations (scaled space) [B × width], latents below {@code limit}. */
    static double[] referenceDecode(LinearSae sae, double[] activations, int rows, int limit) {
        SaeParameters layout = sae.parameters();
        float[] p = layout.data();
        double[] norms = norms(sae);
        double[] out = new double[rows * INPUT_DIM];
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < INPUT_DIM; i++) {
                double sum = p[layout.bDecOffset() + i];
                for (int j = 0; j < limit; j++) {
                    sum += activations[b * WIDTH + j] / norms[j] * p[layout.wDecOffset() + j * INPUT_DIM + i];
                }
                out[b * INPUT_DIM + i] = sum;
            }
        }
        return out;
    }

    static double[] norms(LinearSae sae) {
        SaeParameters layout = sae.parameters();
        float[] p = layout.data();
        double[] norms = new double[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            double sum = 0;
            for (int i = 0; i < INPUT_DIM; i++) {
                double v = p[layout.wDecOffset() + j * INPUT_DIM + i];
                sum += v * v;
            }
            norms[j] = Math.sqrt(sum);
        }
        return norms;
    }

    /** pre = ((x − b_dec) · W_enc + b_enc) · ‖W_dec[j]‖ in double, [B × width]. */
    static double[] referencePre(LinearSae sae, float[] x, int rows) {
        SaeParameters layout = sae.parameters();
        float[] p = layout.data();
        double[] norms = norms(sae);
        double[] pre = new double[rows * WIDTH];
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < WIDTH; j++) {
                double sum = p[layout.bEncOffset() + j];
                for (int i = 0; i < INPUT_DIM; i++) {
                    sum += ((double) x[b * INPUT_DIM + i] - p[layout.bDecOffset() + i]) * p[layout.wEncOffset() + i * WIDTH + j];
                }
                pre[b * WIDTH + j] = sum * norms[j];
            }
        }
        return pre;
    }

    /** Mean over rows of Σ_d (a − b)². */
    static double meanSquaredError(double[] a, double[] b, int rows) {
        double sum = 0;
        for (int e = 0; e < a.length; e++) {
            double d = a[e] - b[e];
            sum += d * d;
        }
        return sum / rows;
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
