package org.saelab.samplers.post20;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.Kernels;
import org.saelab.api.Post20Kernel;
import org.saelab.api.Sampler;
import org.saelab.api.SplitMix;

/**
 * The post20 toy model ({@link Post20Config}). Directions: the n columns of Q from a QR
 * (modified Gram–Schmidt in double) of a d_in × n standard-normal matrix A whose entries are
 * drawn from {@code new SplittableRandom(directionSeed).nextGaussian()} in row-major order
 * (A[0][0], A[0][1], …, A[0][n−1], A[1][0], …); row k of E is column k of Q, stored as float.
 */
public final class Post20Sampler implements Sampler {
    /** Uniforms are 32-bit integers: one {@code nextLong()} decides two features. */
    private static final double UNIFORM_SCALE = 0x1p32;
    /** The row sums' switch from the plain loops to SIMD, shared by every stream. */
    private static final Kernels.Switch ROW_SUMS = Kernels.newSwitch();

    private final Post20Config config;
    private final int numFeatures;
    private final int inputDim;
    /** E, [numFeatures × inputDim] row-major. */
    private final float[] directions;
    /**
     * E again, one array per row, plus a zero row at index numFeatures for padding: kernels that
     * read several rows at the same index are the ones C2 vectorises (see {@link Stream}).
     */
    private final float[][] directionRows;
    /** The SIMD sums of rows of E, or null for the plain loops. */
    private final SimdRowSums simdRowSums;
    /** Whether streams generate their batches natively ({@link Post20Kernel}) while the native kernels are in use. */
    private final boolean nativeSampling;
    private final double[] baseProbabilities;
    private final double[] boostedProbabilities;
    private final double[] firingRates;
    private final double expectedL0;
    /** Feature i fires when a 32-bit uniform integer is below its threshold; index 0 is feature 0. */
    private final long[] thresholdsWithoutFeatureZero;
    private final long[] thresholdsWithFeatureZero;

    public Post20Sampler(Post20Config config) {
        this(config, Kernels.VECTORISED, true);
    }

    /** The Java loops only: {@code vectorised} picks the SIMD row sums (it needs the Vector API) or the plain ones. */
    Post20Sampler(Post20Config config, boolean vectorised) {
        this(config, vectorised, false);
    }

    /**
     * With {@code nativeSampling}, streams generate their batches natively whenever the native
     * kernels are in use ({@link Kernels#nativeInUse()}, checked per batch); the Java loops
     * otherwise. Every path gives the same batches, bit for bit.
     */
    Post20Sampler(Post20Config config, boolean vectorised, boolean nativeSampling) {
        this.config = requireNonNull(config, "config is null");
        this.numFeatures = config.numFeatures();
        this.inputDim = config.inputDim();
        this.directions = orthonormalDirections(numFeatures, inputDim, config.directionSeed());
        this.directionRows = new float[numFeatures + 1][];
        for (int i = 0; i < numFeatures; i++) {
            directionRows[i] = Arrays.copyOfRange(directions, i * inputDim, (i + 1) * inputDim);
        }
        directionRows[numFeatures] = new float[inputDim];
        this.simdRowSums = vectorised ? new SimdRowSums(directions, numFeatures, inputDim) : null;
        this.nativeSampling = nativeSampling && Kernels.nativeAvailable();

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
     * A feature fires when a 32-bit uniform integer u (half of one {@code nextLong()}) is below
     * ⌈p·2^32⌉: the firing probability is then p rounded up to the next multiple of 2^−32, which
     * differs from p by less than 2.4e−10, far below any sampling error we can measure.
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

    /** Whether streams generate batches natively while the native kernels are in use. */
    boolean nativeSampling() {
        return nativeSampling;
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

    /**
     * A stream with its own generator, that of {@code new SplittableRandom(seed)} ({@link SplitMix});
     * streams of one sampler share only the read-only E.
     */
    @Override
    public BatchStream stream(long seed) {
        return new Stream(new SplitMix(seed));
    }

    /**
     * Per sample: one 32-bit uniform per feature (feature 0 first, as it picks the probabilities of
     * the others), the indices of the firing features collected without branches, one Gaussian per
     * firing feature in index order, then x = Σ f_i·E_i over the firing features only, four rows
     * per pass: ((f_a·E_a + f_b·E_b) + f_c·E_c) + f_d·E_d added to the sum of the earlier passes,
     * the last pass padded with the zero row. {@link SimdRowSums} computes the same floats on
     * vectors, straight into the batch; the plain loops go through a scratch row.
     *
     * <p>Not thread-safe: one stream per consumer.
     */
    private final class Stream implements BatchStream {
        private static final int ROWS_PER_PASS = 4;
        private static final int SIMD_SLICE = 32;

        private final SplitMix random;
        private final SimdRowSums simd = simdRowSums;
        /** The native kernel, or null where the stream keeps to the Java loops. */
        private final Post20Kernel kernel = nativeSampling ? new Post20Kernel(numFeatures, inputDim, directions,
                thresholdsWithoutFeatureZero, thresholdsWithFeatureZero, config.magnitudeMean(), config.magnitudeStd())
                : null;
        private final int[] firing = new int[numFeatures + ROWS_PER_PASS];
        private final float[] magnitudes = new float[numFeatures + ROWS_PER_PASS];
        private final double[] gaussians = new double[numFeatures];
        /** With SIMD, the output of a batch's last rows (see {@link SimdRowSums#sum}). */
        private final float[] spare = simd == null ? null : new float[simd.paddedWidth()];
        /** The plain loops' scratch row. */
        private final float[] row = new float[inputDim];

        Stream(SplitMix random) {
            this.random = random;
        }

        @Override
        public void next(Batch batch) {
            if (batch.numFeatures() != numFeatures || batch.inputDim() != inputDim) {
                throw new IllegalArgumentException("batch has shape [" + batch.numFeatures() + " features, "
                        + batch.inputDim() + " inputs], the post20 sampler makes [" + numFeatures + ", " + inputDim
                        + "]");
            }
            final float[] inputs = batch.inputs;
            final float[] features = batch.features;
            final int n = numFeatures;
            final int d = inputDim;
            final double mean = config.magnitudeMean();
            final double std = config.magnitudeStd();
            final int size = batch.size();
            if (kernel != null && Kernels.nativeInUse()) {
                Arrays.fill(features, 0, size * n, 0f);
                kernel.next(random, size, inputs, features);
                return;
            }
            final SimdRowSums simd = this.simd;
            final int[] firing = this.firing;
            final float[] magnitudes = this.magnitudes;
            final double[] gaussians = this.gaussians;
            final SplitMix random = this.random;
            // one fill for the whole batch is cheaper than one per sample; firing features overwrite it
            Arrays.fill(features, 0, size * n, 0f);
            // until the SIMD sums are compiled and faster, only the first samples use them (the
            // plain loops give the same floats): see Kernels.Switch
            final int simdSamples = simd == null ? 0 : ROW_SUMS.simd() ? size : Math.min(size, SIMD_SLICE);
            long start = System.nanoTime();
            long sliceEnd = start;
            for (int sample = 0; sample < size; sample++) {
                if (sample == simdSamples && simdSamples < size && simd != null) {
                    sliceEnd = System.nanoTime();
                }
                final int featureOffset = sample * n;
                final int count = drawFiringFeatures();
                // the generator's calls alone in one loop: the call to nextGaussian, which the JIT
                // does not inline, costs less where few values live across it
                for (int k = 0; k < count; k++) {
                    gaussians[k] = random.nextGaussian();
                }
                for (int k = 0; k < count; k++) {
                    float magnitude = (float) Math.max(0.0, mean + std * gaussians[k]);
                    magnitudes[k] = magnitude;
                    features[featureOffset + firing[k]] = magnitude;
                }
                final int inputOffset = sample * d;
                if (count == 0) {
                    Arrays.fill(inputs, inputOffset, inputOffset + d, 0f);
                } else if (sample < simdSamples) {
                    simd.sum(firing, magnitudes, count, inputs, inputOffset, spare);
                } else {
                    sumFiringRows(count);
                    System.arraycopy(row, 0, inputs, inputOffset, d);
                }
            }
            if (simd != null && simdSamples < size) {
                ROW_SUMS.record(sliceEnd - start, simdSamples, System.nanoTime() - sliceEnd, size - simdSamples);
            }
        }

        /** Fills {@code firing} with the indices of this sample's firing features, ascending. */
        private int drawFiringFeatures() {
            final int n = numFeatures;
            final int[] firing = this.firing;
            final long bits = random.nextLong();
            final long[] thresholds;
            int count;
            if ((bits >>> 32) < thresholdsWithoutFeatureZero[0]) {
                thresholds = thresholdsWithFeatureZero;
                firing[0] = 0;
                count = 1;
            } else {
                thresholds = thresholdsWithoutFeatureZero;
                count = 0;
            }
            // feature 1 takes the low half of the first draw, features 2k and 2k + 1 share a draw;
            // both halves are below 2^32 and a threshold at most 2^32, so the difference is negative
            // exactly when the feature fires: its sign bit counts the feature, and the index written
            // at firing[count] is kept only then (no unpredictable branch)
            firing[count] = 1;
            count += (int) (((bits & 0xFFFFFFFFL) - thresholds[1]) >>> 63);
            int i = 2;
            for (; i + 1 < n; i += 2) {
                final long pair = random.nextLong();
                firing[count] = i;
                count += (int) (((pair >>> 32) - thresholds[i]) >>> 63);
                firing[count] = i + 1;
                count += (int) (((pair & 0xFFFFFFFFL) - thresholds[i + 1]) >>> 63);
            }
            if (i < n) {
                firing[count] = i;
                count += (int) (((random.nextLong() >>> 32) - thresholds[i]) >>> 63);
            }
            return count;
        }

        /**
         * row = Σ_k magnitudes[k]·E[firing[k]], four rows per pass, the last pass padded with the
         * zero row (index numFeatures).
         */
        private void sumFiringRows(int count) {
            final float[][] rows = directionRows;
            final int[] index = firing;
            final float[] scales = magnitudes;
            final int padded = (count + ROWS_PER_PASS - 1) / ROWS_PER_PASS * ROWS_PER_PASS;
            for (int k = count; k < padded; k++) {
                index[k] = numFeatures;
                scales[k] = 0f;
            }
            setFour(row, rows[index[0]], scales[0], rows[index[1]], scales[1], rows[index[2]], scales[2],
                    rows[index[3]], scales[3]);
            for (int k = ROWS_PER_PASS; k < count; k += ROWS_PER_PASS) {
                addFour(row, rows[index[k]], scales[k], rows[index[k + 1]], scales[k + 1], rows[index[k + 2]],
                        scales[k + 2], rows[index[k + 3]], scales[k + 3]);
            }
        }

        // Every array is read at the same index j: C2 (JDK 17) vectorises these loops, it does not
        // vectorise target[offset + j] += scale * source[otherOffset + j].
        private static void setFour(float[] target, float[] a, float scaleA, float[] b, float scaleB, float[] c,
                float scaleC, float[] e, float scaleE) {
            for (int j = 0; j < target.length; j++) {
                target[j] = scaleA * a[j] + scaleB * b[j] + scaleC * c[j] + scaleE * e[j];
            }
        }

        private static void addFour(float[] target, float[] a, float scaleA, float[] b, float scaleB, float[] c,
                float scaleC, float[] e, float scaleE) {
            for (int j = 0; j < target.length; j++) {
                target[j] += scaleA * a[j] + scaleB * b[j] + scaleC * c[j] + scaleE * e[j];
            }
        }
    }
}
