package org.saelab.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.EvaluationContext;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.runner.wiring.PluginRegistry;

/** Every metric on hand-built SAEs whose answers are known. */
class CoreMetricsTest {
    private static final int FEATURES = 20;
    private static final int INPUT_DIM = 50;
    private static final int SAMPLES = 5000;

    /** 20 orthonormal directions in 50 dimensions (Gram–Schmidt of a seeded Gaussian matrix). */
    private static float[] directions() {
        SplittableRandom random = new SplittableRandom(3);
        double[][] q = new double[FEATURES][INPUT_DIM];
        for (int f = 0; f < FEATURES; f++) {
            for (int i = 0; i < INPUT_DIM; i++) {
                q[f][i] = random.nextGaussian();
            }
            for (int g = 0; g < f; g++) {
                double dot = 0;
                for (int i = 0; i < INPUT_DIM; i++) {
                    dot += q[f][i] * q[g][i];
                }
                for (int i = 0; i < INPUT_DIM; i++) {
                    q[f][i] -= dot * q[g][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < INPUT_DIM; i++) {
                norm += q[f][i] * q[f][i];
            }
            for (int i = 0; i < INPUT_DIM; i++) {
                q[f][i] /= Math.sqrt(norm);
            }
        }
        float[] out = new float[FEATURES * INPUT_DIM];
        for (int f = 0; f < FEATURES; f++) {
            for (int i = 0; i < INPUT_DIM; i++) {
                out[f * INPUT_DIM + i] = (float) q[f][i];
            }
        }
        return out;
    }

    private static final float[] E = directions();

    /** Features fire independently with probability 0.25, magnitude 1 ± 0.1; x = f·E. */
    private static float[][] data() {
        SplittableRandom random = new SplittableRandom(11);
        float[] f = new float[SAMPLES * FEATURES];
        float[] x = new float[SAMPLES * INPUT_DIM];
        for (int b = 0; b < SAMPLES; b++) {
            for (int k = 0; k < FEATURES; k++) {
                if (random.nextDouble() < 0.25) {
                    float m = (float) (1 + 0.1 * random.nextGaussian());
                    f[b * FEATURES + k] = m;
                    for (int i = 0; i < INPUT_DIM; i++) {
                        x[b * INPUT_DIM + i] += m * E[k * INPUT_DIM + i];
                    }
                }
            }
        }
        return new float[][] {f, x};
    }

    private static final float[][] DATA = data();

    /** A context for an SAE whose decoder rows are {@code decoder}, encoder its transpose. */
    private static EvaluationContext context(float[] decoder, int width, float[] activations, float[] reconstructions) {
        float[] encoder = new float[INPUT_DIM * width];
        for (int j = 0; j < width; j++) {
            for (int i = 0; i < INPUT_DIM; i++) {
                encoder[i * width + j] = decoder[j * INPUT_DIM + i];
            }
        }
        return new EvaluationContext(SAMPLES, INPUT_DIM, width, FEATURES, DATA[1], DATA[0], activations, reconstructions,
                E, encoder, decoder, new float[INPUT_DIM], EvaluationConfig.defaults());
    }

    private static Map<String, MetricValue> compute(EvaluationContext context) {
        Map<String, MetricValue> out = new LinkedHashMap<>();
        for (Metric metric : new MetricsPlugin().metrics()) {
            out.put(metric.name(), metric.compute(context));
        }
        return out;
    }

    private static double scalar(Map<String, MetricValue> metrics, String name) {
        return ((MetricValue.Scalar) metrics.get(name)).value();
    }

    @Test
    void groundTruthSaeScoresPerfectly() {
        Map<String, MetricValue> m = compute(context(E.clone(), FEATURES, DATA[0], DATA[1]));
        long firing = 0;
        for (float v : DATA[0]) {
            firing += v != 0 ? 1 : 0;
        }
        assertEquals((double) firing / SAMPLES, scalar(m, "trueL0"), 1e-12);
        assertEquals((double) firing / SAMPLES, scalar(m, "saeL0"), 1e-12);
        assertEquals(20, scalar(m, "recoveredFeatures"));
        assertEquals(1, scalar(m, "mcc"), 1e-6);
        assertEquals(0, scalar(m, "hedging"), 1e-6);
        assertEquals(1, scalar(m, "minMaxCos"), 1e-6);
        assertEquals(1, scalar(m, "meanMaxCos"), 1e-6);
        assertEquals(0, scalar(m, "mse"), 1e-12);
        assertEquals(1, scalar(m, "varianceExplained"), 1e-12);
        assertEquals(1, scalar(m, "shrinkage"), 1e-12);
        assertEquals(0, scalar(m, "deadLatents"));
        assertEquals(0, scalar(m, "decoderPairwiseCos"), 1e-6);
    }

    @Test
    void hedgedSaeShowsItsMixingOfFeatureZero() {
        double alpha = 0.3;
        float[] decoder = E.clone();
        for (int j = 1; j < FEATURES; j++) {
            double norm = Math.sqrt(1 + alpha * alpha);
            for (int i = 0; i < INPUT_DIM; i++) {
                decoder[j * INPUT_DIM + i] = (float) ((E[j * INPUT_DIM + i] + alpha * E[i]) / norm);
            }
        }
        Map<String, MetricValue> m = compute(context(decoder, FEATURES, DATA[0], DATA[1]));
        double expected = alpha / Math.sqrt(1 + alpha * alpha);
        assertEquals(expected, scalar(m, "hedging"), 1e-6);
        double[] perLatent = ((MetricValue.Vector) m.get("hedgingPerLatent")).values();
        assertEquals(1, perLatent[0], 1e-6);
        for (int j = 1; j < FEATURES; j++) {
            assertEquals(expected, perLatent[j], 1e-6);
        }
        assertEquals(20, scalar(m, "recoveredFeatures"));
        assertEquals((1 + 19 / Math.sqrt(1.09)) / 20, scalar(m, "mcc"), 1e-6);
    }

    @Test
    void latentPointingAtMinusFeatureZeroDoesNotRecoverIt() {
        float[] decoder = E.clone();
        for (int i = 0; i < INPUT_DIM; i++) {
            decoder[i] = -E[i];
        }
        Map<String, MetricValue> m = compute(context(decoder, FEATURES, DATA[0], DATA[1]));
        double[] maxCos = ((MetricValue.Vector) m.get("maxCosPerFeature")).values();
        assertTrue(maxCos[0] < 0.01, "feature 0 has no positive latent: " + maxCos[0]);
        assertEquals(19, scalar(m, "recoveredFeatures"));
        assertEquals(1, scalar(m, "mcc"), 1e-6, "mcc counts |cos|");
    }

    @Test
    void deadLatentsAndReconstructionOnHandComputedValues() {
        float[] activations = DATA[0].clone();
        for (int b = 0; b < SAMPLES; b++) {
            activations[b * FEATURES + 3] = 0;
            activations[b * FEATURES + 7] = 0;
        }
        assertEquals(2, scalar(compute(context(E.clone(), FEATURES, activations, DATA[1])), "deadLatents"));

        // two samples in two dims: x = (1, 0), (0, 1); x̂ = (1, 1), (0, 0); mean x = (0.5, 0.5)
        float[] x = {1, 0, 0, 1};
        float[] xHat = {1, 1, 0, 0};
        EvaluationContext tiny = new EvaluationContext(2, 2, 1, 0, x, null, new float[2], xHat, null,
                new float[] {1, 0}, new float[] {1, 0}, new float[2], EvaluationConfig.defaults());
        // mse = (1 + 1) / 2 = 1; total variance = 4 · 0.25 = 1; varianceExplained = 1 − 2/1 = −1
        assertEquals(1, Reconstruction.mse(tiny), 1e-12);
        assertEquals(-1, Reconstruction.varianceExplained(tiny), 1e-12);
        // shrinkage: sample 1: √2/1, sample 2: 0/1 → mean √2/2
        assertEquals(Math.sqrt(2) / 2, Reconstruction.shrinkage(tiny), 1e-12);
    }

    @Test
    void hungarianMatchesBruteForce() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            int rows = 2 + random.nextInt(5);
            int columns = 2 + random.nextInt(5);
            double[][] w = new double[rows][columns];
            for (double[] row : w) {
                for (int c = 0; c < columns; c++) {
                    row[c] = random.nextDouble();
                }
            }
            int[] match = Hungarian.maximise(w);
            double sum = 0;
            boolean[] used = new boolean[columns];
            int matched = 0;
            for (int r = 0; r < rows; r++) {
                if (match[r] >= 0) {
                    assertTrue(!used[match[r]], "one-to-one");
                    used[match[r]] = true;
                    sum += w[r][match[r]];
                    matched++;
                }
            }
            assertEquals(Math.min(rows, columns), matched);
            assertEquals(bruteForce(w, 0, new boolean[columns]), sum, 1e-9);
        }
    }

    private static double bruteForce(double[][] w, int row, boolean[] used) {
        if (row == w.length) {
            return 0;
        }
        double best = Double.NEGATIVE_INFINITY;
        int free = 0;
        for (boolean u : used) {
            free += u ? 0 : 1;
        }
        if (w.length - row > free) {
            best = bruteForce(w, row + 1, used); // this row stays unmatched
        }
        for (int c = 0; c < used.length; c++) {
            if (!used[c]) {
                used[c] = true;
                best = Math.max(best, w[row][c] + bruteForce(w, row + 1, used));
                used[c] = false;
            }
        }
        return best;
    }

    @Test
    void discoveredWithUniqueNamesAndOneLineDescriptions() {
        Map<String, Metric> found = PluginRegistry.discover(getClass().getClassLoader()).metrics();
        List<String> expected = List.of("trueL0", "saeL0", "mse", "varianceExplained", "deadLatents", "shrinkage",
                "decoderCosSims", "encoderCosSims", "maxCosPerFeature", "meanMaxCos", "minMaxCos", "recoveredFeatures",
                "mcc", "hedging", "hedgingPerLatent", "decoderPairwiseCos");
        assertTrue(found.keySet().containsAll(expected), found.keySet().toString());
        List<String> names = new ArrayList<>();
        for (Metric metric : new MetricsPlugin().metrics()) {
            names.add(metric.name());
            assertTrue(!metric.description().isBlank() && !metric.description().contains("\n"), metric.name());
        }
        assertArrayEquals(expected.toArray(), names.toArray());
    }
}
