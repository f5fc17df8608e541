package org.saelab.samplers.post20;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;

/**
 * Statistical checks use 200,000 samples and a tolerance of 5 standard errors of the estimate:
 * for a correct sampler a deviation that large has probability below 6e−7 per check, so the
 * fixed seeds below pass for a reason, while the errors these tests look for (a missing boost, a
 * wrong slope, a feature that never fires) are tens of standard errors away.
 */
class Post20SamplerTest {
    private static final int SAMPLES = 200_000;
    private static final int BATCH_SIZE = 1_000;
    private static final double STANDARD_ERRORS = 5.0;

    /** P_i of the spec, written out here rather than read from the sampler. */
    private static double specBaseProbability(int i) {
        return 0.35 - 0.30 * (i - 1) / 18.0;
    }

    @Test
    void analyticRatesAreTheSpecsNumbers() {
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        double[] rates = sampler.expectedFiringRates();
        assertEquals(20, rates.length);
        assertEquals(0.25, rates[0], 1e-15);
        for (int i = 1; i < 20; i++) {
            double p = specBaseProbability(i);
            assertEquals(0.25 * Math.min(1, 2 * p) + 0.75 * p, rates[i], 1e-12, "feature " + i);
        }
        assertEquals(0.4375, rates[1], 1e-12);
        assertEquals(0.0625, rates[19], 1e-12);
        assertEquals(5.0, sampler.expectedL0().getAsDouble(), 1e-12);
    }

    @Test
    void empiricalL0AndFiringRatesMatchTheAnalyticValues() {
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        int n = sampler.numFeatures();
        long[] fires = new long[n];
        double countSum = 0;
        double countSquareSum = 0;
        BatchStream stream = sampler.stream(11L);
        Batch batch = new Batch(BATCH_SIZE, sampler.inputDim(), n);
        for (int done = 0; done < SAMPLES; done += BATCH_SIZE) {
            stream.next(batch);
            for (int s = 0; s < BATCH_SIZE; s++) {
                int count = 0;
                for (int i = 0; i < n; i++) {
                    // a firing feature is > 0 except when its magnitude is clipped at 0, which needs
                    // N(0,1) < −6.7: probability 1e−11, never seen here
                    if (batch.features[s * n + i] > 0) {
                        fires[i]++;
                        count++;
                    }
                }
                countSum += count;
                countSquareSum += (double) count * count;
            }
        }
        double l0 = countSum / SAMPLES;
        double countStd = Math.sqrt(countSquareSum / SAMPLES - l0 * l0);
        // the L0 estimate's standard error is the per-sample count's std / √N (here ≈ 1.6 / 447)
        double l0Tolerance = STANDARD_ERRORS * countStd / Math.sqrt(SAMPLES);
        assertTrue(countStd > 1 && countStd < 3, "per-sample count std " + countStd);
        assertEquals(5.0, l0, l0Tolerance, "empirical L0");

        double[] rates = sampler.expectedFiringRates();
        for (int i = 0; i < n; i++) {
            double p = rates[i];
            // binomial standard error of a rate estimated from N samples
            double tolerance = STANDARD_ERRORS * Math.sqrt(p * (1 - p) / SAMPLES);
            assertEquals(p, (double) fires[i] / SAMPLES, tolerance, "firing rate of feature " + i);
        }
    }

    @Test
    void featuresFireMoreOftenTogetherWithFeatureZero() {
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        int[] checked = {1, 5, 10, 19};
        ConditionalCounts counts = ConditionalCounts.draw(sampler, 23L, checked);
        assertEquals(0.25, (double) counts.withZero / SAMPLES, binomialTolerance(0.25, SAMPLES), "feature 0");
        for (int c = 0; c < checked.length; c++) {
            int i = checked[c];
            double base = specBaseProbability(i);
            double boosted = Math.min(1, 2 * base);
            assertEquals(boosted, (double) counts.firesWithZero[c] / counts.withZero,
                    binomialTolerance(boosted, counts.withZero), "P(" + i + " | 0 fires)");
            assertEquals(base, (double) counts.firesWithoutZero[c] / counts.withoutZero,
                    binomialTolerance(base, counts.withoutZero), "P(" + i + " | 0 silent)");
        }
    }

    @Test
    void boostIsCappedAtProbabilityOne() {
        // boost 5: features with P_i ≥ 0.2 (i = 1..10) must always fire when feature 0 fires
        Post20Config config = new Post20Config(20, 50, 0.25, 0.35, 0.05, 5.0, 1.0, 0.15, 0L);
        Post20Sampler sampler = new Post20Sampler(config);
        int[] checked = {1, 10, 11, 19};
        ConditionalCounts counts = ConditionalCounts.draw(sampler, 29L, checked);
        assertEquals(counts.withZero, counts.firesWithZero[0], "feature 1 fires every time feature 0 does");
        assertEquals(counts.withZero, counts.firesWithZero[1], "feature 10 fires every time feature 0 does");
        for (int c = 2; c < checked.length; c++) {
            double boosted = 5 * specBaseProbability(checked[c]);
            assertTrue(boosted < 1);
            assertEquals(boosted, (double) counts.firesWithZero[c] / counts.withZero,
                    binomialTolerance(boosted, counts.withZero), "P(" + checked[c] + " | 0 fires)");
        }
        double expectedL0 = 0.25;
        for (int i = 1; i < 20; i++) {
            double p = specBaseProbability(i);
            expectedL0 += 0.25 * Math.min(1, 5 * p) + 0.75 * p;
        }
        assertEquals(expectedL0, sampler.expectedL0().getAsDouble(), 1e-12);
    }

    @Test
    void magnitudesHaveTheConfiguredMeanAndSpread() {
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        int n = sampler.numFeatures();
        double sum = 0;
        double squareSum = 0;
        long firing = 0;
        BatchStream stream = sampler.stream(31L);
        Batch batch = new Batch(BATCH_SIZE, sampler.inputDim(), n);
        for (int done = 0; done < SAMPLES; done += BATCH_SIZE) {
            stream.next(batch);
            for (float f : batch.features) {
                assertTrue(f >= 0, "magnitudes are clipped at 0");
                if (f > 0) {
                    sum += f;
                    squareSum += (double) f * f;
                    firing++;
                }
            }
        }
        assertTrue(firing > 900_000, "about 5 firing features per sample, got " + firing);
        double mean = sum / firing;
        double std = Math.sqrt(squareSum / firing - mean * mean);
        // clipping at 0 is 6.7 std below the mean, so these are a plain normal's estimates:
        // standard error σ/√N for the mean and σ/√(2N) for the std
        assertEquals(1.0, mean, STANDARD_ERRORS * 0.15 / Math.sqrt(firing), "magnitude mean");
        assertEquals(0.15, std, STANDARD_ERRORS * 0.15 / Math.sqrt(2.0 * firing), "magnitude std");
    }

    @Test
    void inputsAreFeaturesTimesDirections() {
        // also a config whose count of firing features is often not a multiple of the sampler's
        // four rows per pass, and above it
        for (Post20Config config : new Post20Config[] {Post20Config.defaults(),
                new Post20Config(7, 9, 0.9, 0.8, 0.6, 1.2, 0.5, 0.3, 5L)}) {
            Post20Sampler sampler = new Post20Sampler(config);
            int n = sampler.numFeatures();
            int d = sampler.inputDim();
            float[] directions = sampler.directionsData();
            Batch batch = new Batch(2_000, d, n);
            BatchStream stream = sampler.stream(37L);
            stream.next(batch);
            stream.next(batch);
            double largest = 0;
            for (int s = 0; s < batch.size(); s++) {
                for (int j = 0; j < d; j++) {
                    double expected = 0;
                    for (int i = 0; i < n; i++) {
                        expected += (double) batch.features[s * n + i] * directions[i * d + j];
                    }
                    assertEquals(expected, batch.inputs[s * d + j], 1e-5, "x[" + s + "][" + j + "]");
                    largest = Math.max(largest, Math.abs(expected));
                }
            }
            assertTrue(largest > 0.5, "x is not all zero");
        }
    }

    @Test
    void directionsAreOrthonormalAndSeeded() {
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        assertOrthonormal(sampler.directionsData(), 20, 50);
        // the square case: a full orthonormal basis
        assertOrthonormal(new Post20Sampler(new Post20Config(12, 12, 0.25, 0.35, 0.05, 2.0, 1.0, 0.15, 3L))
                .directionsData(), 12, 12);

        assertArrayEquals(sampler.directionsData(), new Post20Sampler(Post20Config.defaults()).directionsData());
        Post20Config otherSeed = new Post20Config(20, 50, 0.25, 0.35, 0.05, 2.0, 1.0, 0.15, 1L);
        assertFalse(Arrays.equals(sampler.directionsData(), new Post20Sampler(otherSeed).directionsData()));
    }

    @Test
    void directionsAreTheQOfTheSeededGaussianMatrix() {
        // A = Q·R with R upper triangular and a positive diagonal: row k of E is orthogonal to the
        // columns a_0..a_{k−1} of A and has a positive product with a_k
        int n = 20;
        int d = 50;
        long seed = 42L;
        float[] directions = new Post20Sampler(new Post20Config(n, d, 0.25, 0.35, 0.05, 2.0, 1.0, 0.15, seed))
                .directionsData();
        double[][] a = new double[d][n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int row = 0; row < d; row++) {
            for (int column = 0; column < n; column++) {
                a[row][column] = random.nextGaussian();
            }
        }
        for (int k = 0; k < n; k++) {
            for (int column = 0; column < n; column++) {
                double dot = 0;
                for (int r = 0; r < d; r++) {
                    dot += directions[k * d + r] * a[r][column];
                }
                if (column < k) {
                    assertEquals(0, dot, 1e-4, "E_" + k + " · a_" + column);
                } else if (column == k) {
                    assertTrue(dot > 0.5, "E_" + k + " · a_" + k + " = " + dot);
                }
            }
        }
    }

    @Test
    void sameSeedSameBatchesOtherSeedOtherBatches() {
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        BatchStream first = sampler.stream(5L);
        BatchStream second = sampler.stream(5L);
        BatchStream other = sampler.stream(6L);
        Batch a = new Batch(512, 50, 20);
        Batch b = new Batch(512, 50, 20);
        Batch c = new Batch(512, 50, 20);
        // a batch full of stale values must be overwritten entirely
        Arrays.fill(b.inputs, 7f);
        Arrays.fill(b.features, 7f);
        for (int round = 0; round < 3; round++) {
            first.next(a);
            // a stream of the same sampler drawn in between must not disturb the others
            sampler.stream(5L).next(c);
            second.next(b);
            assertArrayEquals(a.inputs, b.inputs, "inputs, batch " + round);
            assertArrayEquals(a.features, b.features, "features, batch " + round);
            other.next(c);
            assertFalse(Arrays.equals(a.inputs, c.inputs), "inputs of another seed, batch " + round);
            assertFalse(Arrays.equals(a.features, c.features), "features of another seed, batch " + round);
        }
        // and a fresh sampler from the same config draws the same data
        Batch fresh = new Batch(512, 50, 20);
        BatchStream again = new Post20Sampler(Post20Config.defaults()).stream(5L);
        for (int round = 0; round < 3; round++) {
            again.next(fresh);
        }
        assertArrayEquals(a.inputs, fresh.inputs);
        assertArrayEquals(a.features, fresh.features);
    }

    @Test
    void batchOfTheWrongShapeIsRejected() {
        BatchStream stream = new Post20Sampler(Post20Config.defaults()).stream(1L);
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> stream.next(new Batch(8, 40, 20)));
        assertTrue(error.getMessage().contains("40"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> stream.next(new Batch(8, 50, 21)));
    }

    @Test
    void directionsDataIsACopy() {
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        float[] directions = sampler.directionsData();
        float before = directions[0];
        directions[0] = 99f;
        assertEquals(before, sampler.directionsData()[0]);
    }

    private static void assertOrthonormal(float[] directions, int n, int d) {
        assertEquals(n * d, directions.length);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += (double) directions[i * d + j] * directions[k * d + j];
                }
                assertEquals(i == k ? 1.0 : 0.0, dot, 1e-5, "Gram[" + i + "][" + k + "]");
            }
        }
    }

    private static double binomialTolerance(double p, long trials) {
        return STANDARD_ERRORS * Math.sqrt(p * (1 - p) / trials);
    }

    /** How often chosen features fire in samples with and without feature 0. */
    private static final class ConditionalCounts {
        long withZero;
        long withoutZero;
        final long[] firesWithZero;
        final long[] firesWithoutZero;

        private ConditionalCounts(int checked) {
            firesWithZero = new long[checked];
            firesWithoutZero = new long[checked];
        }

        static ConditionalCounts draw(Post20Sampler sampler, long seed, int[] features) {
            int n = sampler.numFeatures();
            ConditionalCounts counts = new ConditionalCounts(features.length);
            BatchStream stream = sampler.stream(seed);
            Batch batch = new Batch(BATCH_SIZE, sampler.inputDim(), n);
            for (int done = 0; done < SAMPLES; done += BATCH_SIZE) {
                stream.next(batch);
                for (int s = 0; s < BATCH_SIZE; s++) {
                    boolean zero = batch.features[s * n] > 0;
                    if (zero) {
                        counts.withZero++;
                    } else {
                        counts.withoutZero++;
                    }
                    for (int c = 0; c < features.length; c++) {
                        if (batch.features[s * n + features[c]] > 0) {
                            if (zero) {
                                counts.firesWithZero[c]++;
                            } else {
                                counts.firesWithoutZero[c]++;
                            }
                        }
                    }
                }
            }
            return counts;
        }
    }
}
