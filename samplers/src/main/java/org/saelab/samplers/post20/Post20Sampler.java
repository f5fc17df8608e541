package org.saelab.samplers.post20;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.Sampler;

/**
 * The post20 toy model ({@link Post20Config}). Directions: the n columns of Q from a QR
 * (modified Gram–Schmidt in double) of a d_in × n standard-normal matrix A whose entries are
 * drawn from {@code new SplittableRandom(directionSeed).nextGaussian()} in row-major order
 * (A[0][0], A[0][1], …, A[0][n−1], A[1][0], …); row k of E is column k of Q, stored as float.
 */
public final class Post20Sampler implements Sampler {
    /** Uniforms are 53-bit integers, as in {@link SplittableRandom#nextDouble()}. */
    private static final double UNIFORM_SCALE = 0x1p53;

    private final Post20Config config;
    private final int numFeatures;
    private final int inputDim;
    /** E, [numFeatures × inputDim] row-major. */
    private final float[] directions;
    private final double[] baseProbabilities;
    private final double[] boostedProbabilities;
    private final double[] firingRates;
    private final double expectedL0;
    /** Feature i fires when a 53-bit uniform integer is below its threshold; index 0 is feature 0. */
    private final long[] thresholdsWithoutFeatureZero;
    private final long[] thresholdsWithFeatureZero;

    public Post20Sampler(Post20Config config) {
        this.config = requireNonNull(config, "config is null");
        this.numFeatures = config.numFeatures();
        this.inputDim = config.inputDim();
        this.directions = orthonormalDirections(numFeatures, inputDim, config.directionSeed());

        int n = numFeatures;
        baseProbabilities = new double[n];
        boostedProbabilities = new double[n];
        firingRates = new double[n];
        thresholdsWithoutFeatureZero = new long[n];
        thresholdsWithFeatureZero = new long[n];
        double p0 = config.p0();
        baseProbabilities[0] = p0;
        boostedProbabilities[0] = p0;
        firingRates[0] = p0;
        double l0 = p0;
        for (int i = 1; i < n; i++) {
            // with n = 2 the only other feature is both first and last: it takes pFirst
            double fraction = n == 2 ? 0.0 : (double) (i - 1) / (n - 2);
            double base = config.pFirst() - (config.pFirst() - config.pLast()) * fraction;
            double boosted = Math.min(1.0, config.boost() * base);
            baseProbabilities[i] = base;
            boostedProbabilities[i] = boosted;
            firingRates[i] = p0 * boosted + (1 - p0) * base;
            l0 += firingRates[i];
        }
        expectedL0 = l0;
        for (int i = 0; i < n; i++) {
            thresholdsWithoutFeatureZero[i] = threshold(baseProbabilities[i]);
            thresholdsWithFeatureZero[i] = threshold(boostedProbabilities[i]);
        }
    }

    /**
     * u < threshold(p) for u uniform in [0, 2^53) holds exactly when u·2^−53 < p, so a feature fires
     * with the same probability as with {@code nextDouble() < p}, without the conversion.
     */
    private static long threshold(double probability) {
        return (long) Math.ceil(probability * UNIFORM_SCALE);
    }

    static float[] orthonormalDirections(int numFeatures, int inputDim, long directionSeed) {
        SplittableRandom random = new SplittableRandom(directionSeed);
        double[][] columns = new double[numFeatures][inputDim];
        for (int row = 0; row < inputDim; row++) {
            for (int column = 0; column < numFeatures; column++) {
                columns[column][row] = random.nextGaussian();
            }
        }
        float[] result = new float[numFeatures * inputDim];
        for (int k = 0; k < numFeatures; k++) {
            double[] v = columns[k];
            // modified Gram–Schmidt: project out each earlier q from the already-updated v
            for (int j = 0; j < k; j++) {
                double[] q = columns[j];
                double dot = 0;
                for (int r = 0; r < inputDim; r++) {
                    dot += q[r] * v[r];
                }
                for (int r = 0; r < inputDim; r++) {
                    v[r] -= dot * q[r];
                }
            }
            double squaredNorm = 0;
            for (int r = 0; r < inputDim; r++) {
                squaredNorm += v[r] * v[r];
            }
            double norm = Math.sqrt(squaredNorm);
            if (!(norm > 1e-12)) {
                throw new IllegalStateException("random matrix of directionSeed " + directionSeed
                        + " is numerically rank-deficient at column " + k);
            }
            for (int r = 0; r < inputDim; r++) {
                v[r] /= norm;
                result[k * inputDim + r] = (float) v[r];
            }
        }
        return result;
    }

    public Post20Config config() {
        return config;
    }

    @Override
    public int numFeatures() {
        return numFeatures;
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    /** A copy of E, so callers cannot change the data the streams draw from. */
    @Override
    public float[] directionsData() {
        return directions.clone();
    }

    @Override
    public OptionalDouble expectedL0() {
        return OptionalDouble.of(expectedL0);
    }

    /** P(feature i fires) for every feature: p0, then p0·min(1, boost·P_i) + (1 − p0)·P_i. */
    public double[] expectedFiringRates() {
        return firingRates.clone();
    }

    /** P_i (index 0 holds p0). */
    public double[] baseProbabilities() {
        return baseProbabilities.clone();
    }

    /** min(1, boost·P_i), the probability of feature i in samples where feature 0 fires (index 0 holds p0). */
    public double[] boostedProbabilities() {
        return boostedProbabilities.clone();
    }

    /** A stream with its own generator; streams of one sampler share only the read-only E. */
    @Override
    public BatchStream stream(long seed) {
        return new Stream(new SplittableRandom(seed));
    }

    /** Not thread-safe: one stream per consumer. */
    private final class Stream implements BatchStream {
        private final SplittableRandom random;

        Stream(SplittableRandom random) {
            this.random = random;
        }

        @Override
        public void next(Batch batch) {
            if (batch.numFeatures() != numFeatures || batch.inputDim() != inputDim) {
                throw new IllegalArgumentException("batch has shape [" + batch.numFeatures() + " features, "
                        + batch.inputDim() + " inputs], the post20 sampler makes [" + numFeatures + ", " + inputDim
                        + "]");
            }
            final SplittableRandom random = this.random;
            final float[] inputs = batch.inputs;
            final float[] features = batch.features;
            final float[] directions = Post20Sampler.this.directions;
            final int n = numFeatures;
            final int d = inputDim;
            final double mean = config.magnitudeMean();
            final double std = config.magnitudeStd();
            final int size = batch.size();
            for (int sample = 0; sample < size; sample++) {
                final int featureOffset = sample * n;
                final int inputOffset = sample * d;
                boolean rowWritten = false;
                final long[] thresholds;
                if ((random.nextLong() >>> 11) < thresholdsWithoutFeatureZero[0]) {
                    thresholds = thresholdsWithFeatureZero;
                    float magnitude = (float) Math.max(0.0, mean + std * random.nextGaussian());
                    features[featureOffset] = magnitude;
                    setScaled(inputs, inputOffset, directions, 0, d, magnitude);
                    rowWritten = true;
                } else {
                    thresholds = thresholdsWithoutFeatureZero;
                    features[featureOffset] = 0f;
                }
                for (int i = 1; i < n; i++) {
                    if ((random.nextLong() >>> 11) < thresholds[i]) {
                        float magnitude = (float) Math.max(0.0, mean + std * random.nextGaussian());
                        features[featureOffset + i] = magnitude;
                        if (rowWritten) {
                            addScaled(inputs, inputOffset, directions, i * d, d, magnitude);
                        } else {
                            setScaled(inputs, inputOffset, directions, i * d, d, magnitude);
                            rowWritten = true;
                        }
                    } else {
                        features[featureOffset + i] = 0f;
                    }
                }
                if (!rowWritten) {
                    Arrays.fill(inputs, inputOffset, inputOffset + d, 0f);
                }
            }
        }

        private static void setScaled(float[] target, int targetOffset, float[] source, int sourceOffset, int length,
                float scale) {
            for (int j = 0; j < length; j++) {
                target[targetOffset + j] = scale * source[sourceOffset + j];
            }
        }

        private static void addScaled(float[] target, int targetOffset, float[] source, int sourceOffset, int length,
                float scale) {
            for (int j = 0; j < length; j++) {
                target[targetOffset + j] += scale * source[sourceOffset + j];
            }
        }
    }
}
