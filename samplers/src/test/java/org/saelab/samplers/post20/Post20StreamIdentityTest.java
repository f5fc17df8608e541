package org.saelab.samplers.post20;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.Kernels;

/**
 * Every experiment's results depend on the exact data stream: the sampler's SIMD and plain paths
 * must both give, bit for bit, the inputs and features of {@link ReferencePost20Sampler} for every
 * config, seed and batch size.
 */
class Post20StreamIdentityTest {
    private static final long[] SEEDS = {0L, 1L, 42L, -7L, 0x5DEECE66DL};
    private static final int[] BATCH_SIZES = {1024, 1, 3, 1000, 17, 1024};

    private static Post20Config[] configs() {
        return new Post20Config[] {
            Post20Config.defaults(),
            // 9 inputs is not a whole number of SIMD vectors; counts around 5 of 7 features
            new Post20Config(7, 9, 0.9, 0.8, 0.6, 1.2, 0.5, 0.3, 5L),
            // magnitude mean 0: half the magnitudes clip to +0, whose products with negative entries are −0
            new Post20Config(20, 50, 0.25, 0.35, 0.05, 2.0, 0.0, 0.15, 3L),
            // more than 64 features and many full groups of four rows per sample
            new Post20Config(70, 133, 0.5, 0.6, 0.3, 1.5, 1.0, 1.0, 9L),
            // every feature fires in every sample
            new Post20Config(2, 2, 1.0, 1.0, 1.0, 1.0, 1.0, 0.15, 1L),
            // none ever fires
            new Post20Config(12, 16, 0.0, 0.0, 0.0, 2.0, 1.0, 0.15, 2L),
            // exactly one SIMD vector wide (8 lanes at 256 bits)
            new Post20Config(5, 8, 0.5, 0.7, 0.3, 2.0, 1.0, 0.5, 4L),
        };
    }

    @Test
    void theVectorApiIsOnTheTestJvm() {
        // without it the SIMD path would go untested: the build passes --add-modules to surefire
        assertTrue(Kernels.VECTORISED, "jdk.incubator.vector is not on the test JVM");
    }

    @Test
    void simdStreamIsTheReferenceStreamBitForBit() {
        compareWithReference(true);
    }

    @Test
    void plainStreamIsTheReferenceStreamBitForBit() {
        compareWithReference(false);
    }

    @Test
    void nativeStreamIsTheReferenceStreamBitForBit() {
        // where the native kernels are not available the streams run the Java loops, compared too
        assertEquals(Kernels.nativeAvailable(), new Post20Sampler(Post20Config.defaults(), true, true).nativeSampling(),
                "native sampling where the kernels are: " + Kernels.nativeStatus());
        compareWithReference(config -> new Post20Sampler(config, true, true));
    }

    @Test
    void aStreamMayChangePathsBetweenBatches() {
        Post20Config config = Post20Config.defaults();
        BatchStream expected = new ReferencePost20Sampler(config).stream(11L);
        BatchStream actual = new Post20Sampler(config, true, true).stream(11L);
        Kernels.Mode[] modes = {Kernels.Mode.AUTO, Kernels.Mode.SIMD, Kernels.Mode.AUTO, Kernels.Mode.PLAIN,
            Kernels.Mode.AUTO};
        try {
            for (int round = 0; round < 3 * modes.length; round++) {
                Kernels.setMode(modes[round % modes.length]);
                Batch want = new Batch(333, config.inputDim(), config.numFeatures());
                Batch got = new Batch(333, config.inputDim(), config.numFeatures());
                expected.next(want);
                actual.next(got);
                assertSameBits(want.inputs, got.inputs, "inputs, round " + round);
                assertSameBits(want.features, got.features, "features, round " + round);
            }
        } finally {
            Kernels.setMode(Kernels.Mode.AUTO);
        }
    }

    @Test
    void publicConstructorGivesTheReferenceStream() {
        Post20Config config = Post20Config.defaults();
        BatchStream expected = new ReferencePost20Sampler(config).stream(3L);
        BatchStream actual = new Post20Sampler(config).stream(3L);
        Batch want = new Batch(4096, config.inputDim(), config.numFeatures());
        Batch got = new Batch(4096, config.inputDim(), config.numFeatures());
        for (int round = 0; round < 5; round++) {
            expected.next(want);
            actual.next(got);
            assertSameBits(want.inputs, got.inputs, "inputs, round " + round);
            assertSameBits(want.features, got.features, "features, round " + round);
        }
    }

    private static void compareWithReference(boolean vectorised) {
        compareWithReference(config -> new Post20Sampler(config, vectorised));
    }

    private static void compareWithReference(java.util.function.Function<Post20Config, Post20Sampler> make) {
        long firingEntries = 0;
        for (Post20Config config : configs()) {
            ReferencePost20Sampler reference = new ReferencePost20Sampler(config);
            Post20Sampler sampler = make.apply(config);
            int n = config.numFeatures();
            int d = config.inputDim();
            for (long seed : SEEDS) {
                BatchStream expected = reference.stream(seed);
                BatchStream actual = sampler.stream(seed);
                for (int round = 0; round < 2 * BATCH_SIZES.length; round++) {
                    int size = BATCH_SIZES[round % BATCH_SIZES.length];
                    Batch want = new Batch(size, d, n);
                    Batch got = new Batch(size, d, n);
                    // stale values must be overwritten everywhere
                    Arrays.fill(got.inputs, Float.NaN);
                    Arrays.fill(got.features, -1f);
                    expected.next(want);
                    actual.next(got);
                    String where = "config " + config + ", seed " + seed + ", batch " + round + " of " + size;
                    assertSameBits(want.inputs, got.inputs, "inputs, " + where);
                    assertSameBits(want.features, got.features, "features, " + where);
                    // the same batch refilled: what the training loop does
                    expected.next(want);
                    actual.next(got);
                    assertSameBits(want.inputs, got.inputs, "inputs refilled, " + where);
                    assertSameBits(want.features, got.features, "features refilled, " + where);
                    for (float f : got.features) {
                        if (f != 0) {
                            firingEntries++;
                        }
                    }
                }
            }
        }
        assertTrue(firingEntries > 100_000, "firing features drawn: " + firingEntries);
    }

    private static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + " (bits " + Integer.toHexString(
                        Float.floatToRawIntBits(actual[i])) + "), the reference has " + expected[i] + " (bits "
                        + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + ")");
            }
        }
    }
}
