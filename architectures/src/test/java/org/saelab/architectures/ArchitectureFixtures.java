package org.saelab.architectures;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.SplittableRandom;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ArchitectureFactory;
import org.saelab.api.ConfigException;
import org.saelab.api.LinearSae;
import org.saelab.api.LossTerm;
import org.saelab.api.RunContext;
import org.saelab.api.Sae;
import org.saelab.api.SaeParameters;
import org.saelab.api.SeedStreams;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;

/**
 * Seeded SAEs, batches and plain loss terms shared by the architecture tests (the losses module
 * is not visible to this one, so MSE and L1 are written here from their definitions).
 */
public final class ArchitectureFixtures {
    private ArchitectureFixtures() {}

    /** Mean over the batch of Σ_d (x̂ − x)² of the main code, latents below {@code limit} only. */
    public static LossTerm mse(int limit) {
        return new LossTerm() {
            private float[] reconstruction;

            @Override
            public double apply(TrainingState s, Sae sae) {
                if (reconstruction == null) {
                    reconstruction = new float[s.reconstruction.length];
                }
                sae.decode(s, s.main, limit, reconstruction);
                double sum = 0;
                int n = s.batchSize * s.inputDim;
                for (int e = 0; e < n; e++) {
                    float diff = reconstruction[e] - s.batch.inputs[e];
                    sum += (double) diff * diff;
                    s.gradReconstruction[e] = 2f * diff / s.batchSize;
                }
                sae.backwardDecode(s, s.main, limit, s.gradReconstruction);
                return sum / s.batchSize;
            }
        };
    }

    /** λ · mean over the batch of Σ of the main code's (scaled) values; gradient λ / B each. */
    public static LossTerm l1(double coefficient) {
        return (s, sae) -> {
            SparseCode code = s.main;
            double sum = 0;
            for (int e = 0; e < code.count(); e++) {
                sum += code.values[e];
                s.gradPre[code.rows[e] * s.width + code.latents[e]] += (float) (coefficient / s.batchSize);
            }
            return coefficient * sum / s.batchSize;
        };
    }

    /**
     * SAELens's random init, then nonzero biases and every other decoder row rescaled (norms from
     * 0.3 to 1.3 instead of 0.1), so the biases and the decoder-norm path all carry gradient.
     */
    public static <T extends LinearSae> T perturbed(T sae, long seed, double scale) {
        sae.initialiseRandom(seed);
        SaeParameters parameters = sae.parameters();
        float[] p = parameters.data();
        int inputDim = sae.inputDim();
        SplittableRandom random = new SplittableRandom(seed + 100);
        for (int j = 0; j < sae.width(); j++) {
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
    public static TrainingState gaussianState(int batchSize, int inputDim, int width, double k, long seed, double scale) {
        TrainingState state = new TrainingState(batchSize, inputDim, width, 1);
        fillGaussian(state.batch.inputs, seed, scale);
        state.k = k;
        return state;
    }

    public static float[] gaussian(int n, long seed, double scale) {
        float[] out = new float[n];
        fillGaussian(out, seed, scale);
        return out;
    }

    private static void fillGaussian(float[] out, long seed, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int e = 0; e < out.length; e++) {
            out[e] = (float) (scale * random.nextGaussian());
        }
    }

    /** relu(pre) with nothing cut: the threshold mode at threshold 0. */
    public static float[] relu(LinearSae sae, float[] x, int rows) {
        double saved = sae.threshold();
        sae.setThreshold(0);
        float[] dense = new float[rows * sae.width()];
        sae.infer(x, rows, org.saelab.api.Inference.THRESHOLD, Double.NaN, dense);
        sae.setThreshold(saved);
        return dense;
    }

    /** The code as a dense [rows × width] array. */
    public static float[] dense(SparseCode code, int rows, int width) {
        float[] out = new float[rows * width];
        for (int e = 0; e < code.count(); e++) {
            out[code.rows[e] * width + code.latents[e]] = code.values[e];
        }
        return out;
    }

    public static <C extends ArchitectureConfig> Sae fromDefaults(ArchitectureFactory<C> factory, int inputDim, long seed) {
        return factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(seed), java.util.List.of(), inputDim));
    }

    /** The ConfigException somewhere in the cause chain of reading {@code json} as an architecture config. */
    public static ConfigException configError(ObjectMapper mapper, String json) {
        try {
            mapper.readValue(json, ArchitectureConfig.class);
        } catch (Exception e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof ConfigException)) {
                cause = cause.getCause();
            }
            if (cause == null) {
                throw new AssertionError("no ConfigException in the cause chain of " + e, e);
            }
            return (ConfigException) cause;
        }
        throw new AssertionError("accepted: " + json);
    }
}
