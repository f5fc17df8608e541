package org.saelab.runner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written Adam against ND4J's native op: parameters and moments equal bit for bit after
 * every step, at the post's size and at odd ones, and across checkpoints taken on one path and
 * continued on the other.
 */
class AdamHandPathTest {
    private static final int STEPS = 2000;

    @Test
    void handMatchesTheNativeOpBitForBitAtThePostsSize() {
        assertSameSteps(2070, 3e-4, 0.9, 0.999, 1e-8, 11);
    }

    @Test
    void handMatchesTheNativeOpBitForBitAtOddSizes() {
        for (int n : new int[] {1, 7, 33, 1001, 4099}) {
            assertSameSteps(n, 3e-4, 0.9, 0.999, 1e-8, 100 + n);
        }
    }

    @Test
    void handMatchesTheNativeOpBitForBitWithOtherHyperparameters() {
        assertSameSteps(517, 1e-2, 0.8, 0.99, 1e-6, 21);
        assertSameSteps(517, 1e-3, 0.95, 0.9999, 1e-7, 22);
    }

    /** Updates compared one by one (parameters zeroed before each step, so none is absorbed). */
    @Test
    void handMatchesTheNativeOpAtLateIterations() {
        int n = 2070;
        // 3,605: the only iteration where powf's 0.999^t changes the default step size; beta2^t
        // reaches float's subnormals near t = 100,000 and zero after; float(t) rounds above 2^24
        for (int start : new int[] {999, 3_600, 50_000, 100_000, 104_000, 1_000_000, (1 << 24) - 3, (1 << 24) + 1,
                1 << 30}) {
            SplittableRandom random = new SplittableRandom(start);
            float[] moments = new float[2 * n];
            for (int i = 0; i < n; i++) {
                moments[i] = (float) random.nextGaussian() * 1e-3f;
                moments[n + i] = (float) Math.abs(random.nextGaussian()) * 1e-6f;
            }
            AdamOptimizer hand = create("hand", n, 3e-4, 0.9, 0.999, 1e-8);
            AdamOptimizer context = create("context", n, 3e-4, 0.9, 0.999, 1e-8);
            hand.restore(moments, start);
            context.restore(moments, start);
            float[] a = new float[n];
            float[] b = new float[n];
            Gradients gradients = new Gradients(n, start);
            for (int step = 0; step < 20; step++) {
                float[] g = gradients.next();
                Arrays.fill(a, 0f);
                Arrays.fill(b, 0f);
                hand.step(a, g);
                context.step(b, g);
                assertBitwiseEqual(b, a, "updates, iteration " + (start + step));
            }
            assertBitwiseEqual(context.moments(), hand.moments(), "moments from iteration " + start);
        }
    }

    /**
     * Every update until β2^t underflows to zero, at betas where powf and a correctly rounded
     * pow disagree (0.999^873, 0.8^171, 0.99^349, 0.9999^508, ...). Parameters are zeroed
     * before each step, so each step's update itself is compared.
     */
    @Test
    void handMatchesTheNativeOpOverTheWholeBiasCorrection() {
        assertSameUpdates(3, 3e-4, 0.9, 0.999, 1e-8, 31, 104_000);
        assertSameUpdates(5, 1e-2, 0.8, 0.99, 1e-6, 32, 10_400);
        assertSameUpdates(4, 1e-3, 0.95, 0.9999, 1e-7, 33, 30_000);
    }

    @Test
    void checkpointFromTheNativePathContinuesOnTheHandPath() {
        assertCheckpointCarriesOver("context", "hand");
    }

    @Test
    void checkpointFromTheHandPathContinuesOnTheNativePath() {
        assertCheckpointCarriesOver("hand", "context");
        assertCheckpointCarriesOver("hand", "updater");
    }

    @Test
    void momentsAreMThenV() {
        int n = 5;
        AdamOptimizer hand = create("hand", n, 1e-3, 0.9, 0.999, 1e-8);
        float[] grads = {1, -2, 0, 0.5f, 3};
        hand.step(new float[n], grads);
        float[] moments = hand.moments();
        for (int i = 0; i < n; i++) {
            assertEquals((1 - 0.9f) * grads[i], moments[i], "M[" + i + "]");
            assertEquals(grads[i] * grads[i] * (1 - 0.999f), moments[n + i], "V[" + i + "]");
        }
    }

    @Test
    void pathIsChosenByTheProperty() {
        assertEquals(AdamOptimizer.Path.HAND, create(null, 2070, 3e-4, 0.9, 0.999, 1e-8).path());
        assertEquals(AdamOptimizer.Path.HAND, create("hand", 10, 3e-4, 0.9, 0.999, 1e-8).path());
        assertEquals(AdamOptimizer.Path.CONTEXT, create("context", 10, 3e-4, 0.9, 0.999, 1e-8).path());
        assertEquals(AdamOptimizer.Path.UPDATER, create("updater", 10, 3e-4, 0.9, 0.999, 1e-8).path());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> create("fast", 10, 3e-4, 0.9, 0.999, 1e-8));
        assertTrue(e.getMessage().contains("saelab.adam=fast"), e.getMessage());
    }

    @Test
    void restoreRejectsMomentsOfAnotherSize() {
        AdamOptimizer hand = create("hand", 10, 3e-4, 0.9, 0.999, 1e-8);
        assertThrows(IllegalArgumentException.class, () -> hand.restore(new float[18], 3));
    }

    private static void assertSameSteps(int n, double learningRate, double beta1, double beta2, double epsilon,
            long seed) {
        assertSameSteps(n, learningRate, beta1, beta2, epsilon, seed, STEPS);
    }

    private static void assertSameSteps(int n, double learningRate, double beta1, double beta2, double epsilon,
            long seed, int steps) {
        AdamOptimizer hand = create("hand", n, learningRate, beta1, beta2, epsilon);
        AdamOptimizer context = create("context", n, learningRate, beta1, beta2, epsilon);
        float[] a = initialParameters(n, new SplittableRandom(seed));
        float[] b = a.clone();
        Gradients gradients = new Gradients(n, seed);
        for (int step = 0; step < steps; step++) {
            float[] g = gradients.next();
            hand.step(a, g);
            context.step(b, g);
            assertBitwiseEqual(b, a, "n = " + n + ", parameters after step " + (step + 1));
        }
        assertEquals(steps, hand.iteration());
        assertBitwiseEqual(context.moments(), hand.moments(), "n = " + n + ", moments after " + steps + " steps");
    }

    private static void assertSameUpdates(int n, double learningRate, double beta1, double beta2, double epsilon,
            long seed, int steps) {
        AdamOptimizer hand = create("hand", n, learningRate, beta1, beta2, epsilon);
        AdamOptimizer context = create("context", n, learningRate, beta1, beta2, epsilon);
        float[] a = new float[n];
        float[] b = new float[n];
        Gradients gradients = new Gradients(n, seed);
        for (int step = 0; step < steps; step++) {
            float[] g = gradients.next();
            Arrays.fill(a, 0f);
            Arrays.fill(b, 0f);
            hand.step(a, g);
            context.step(b, g);
            assertBitwiseEqual(b, a, "n = " + n + ", update of step " + (step + 1));
        }
        assertBitwiseEqual(context.moments(), hand.moments(), "n = " + n + ", moments after " + steps + " steps");
    }

    private static void assertCheckpointCarriesOver(String first, String second) {
        int n = 2070;
        int half = 700;
        AdamOptimizer uninterrupted = create(first, n, 3e-4, 0.9, 0.999, 1e-8);
        AdamOptimizer before = create(first, n, 3e-4, 0.9, 0.999, 1e-8);
        float[] a = initialParameters(n, new SplittableRandom(9));
        float[] b = a.clone();
        Gradients gradientsA = new Gradients(n, 9);
        Gradients gradientsB = new Gradients(n, 9);
        for (int step = 0; step < half; step++) {
            uninterrupted.step(a, gradientsA.next());
            before.step(b, gradientsB.next());
        }
        AdamOptimizer after = create(second, n, 3e-4, 0.9, 0.999, 1e-8);
        after.restore(before.moments(), before.iteration());
        assertBitwiseEqual(before.moments(), after.moments(), "moments right after restore");
        for (int step = half; step < 2 * half; step++) {
            uninterrupted.step(a, gradientsA.next());
            after.step(b, gradientsB.next());
        }
        assertEquals(uninterrupted.iteration(), after.iteration());
        assertBitwiseEqual(a, b, first + " then " + second + ": parameters");
        assertBitwiseEqual(uninterrupted.moments(), after.moments(), first + " then " + second + ": moments");
    }

    /**
     * Gradients like a training run's: each parameter has its own scale (from 1e-7 to 10), the
     * step adds noise, and some are exactly zero (latents that did not fire).
     */
    private static final class Gradients {
        private final SplittableRandom random;
        private final float[] scale;
        private final float[] g;

        Gradients(int n, long seed) {
            random = new SplittableRandom(seed * 31 + 7);
            scale = new float[n];
            g = new float[n];
            for (int i = 0; i < n; i++) {
                scale[i] = (float) Math.pow(10, random.nextDouble(-7, 1));
            }
        }

        float[] next() {
            for (int i = 0; i < g.length; i++) {
                g[i] = random.nextInt(20) == 0 ? 0f : (float) random.nextGaussian() * scale[i];
            }
            return g;
        }
    }

    private static float[] initialParameters(int n, SplittableRandom random) {
        float[] params = new float[n];
        for (int i = 0; i < n; i++) {
            params[i] = (float) random.nextGaussian() * 0.1f;
        }
        return params;
    }

    static AdamOptimizer create(String path, int n, double learningRate, double beta1, double beta2, double epsilon) {
        String before = System.getProperty("saelab.adam");
        try {
            if (path == null) {
                System.clearProperty("saelab.adam");
            } else {
                System.setProperty("saelab.adam", path);
            }
            return new AdamOptimizer(n, learningRate, beta1, beta2, epsilon);
        } finally {
            if (before == null) {
                System.clearProperty("saelab.adam");
            } else {
                System.setProperty("saelab.adam", before);
            }
        }
    }

    /** Equal bit patterns, or a message with the first difference and the largest in ulps. */
    static void assertBitwiseEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        int first = -1;
        long maxUlps = 0;
        int differing = 0;
        for (int i = 0; i < expected.length; i++) {
            int e = Float.floatToRawIntBits(expected[i]);
            int a = Float.floatToRawIntBits(actual[i]);
            if (e != a) {
                differing++;
                if (first < 0) {
                    first = i;
                }
                maxUlps = Math.max(maxUlps, Math.abs(ordered(e) - ordered(a)));
            }
        }
        if (first >= 0) {
            fail(what + ": " + differing + " of " + expected.length + " differ, first at [" + first + "] (expected "
                    + expected[first] + ", got " + actual[first] + "), largest difference " + maxUlps + " ulp");
        }
    }

    /** A float's bits as a number that grows with the float, so differences count ulps. */
    private static long ordered(int bits) {
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }

    @Test
    void orderedCountsUlps() {
        assertEquals(1, ordered(Float.floatToRawIntBits(Math.nextUp(1f))) - ordered(Float.floatToRawIntBits(1f)));
        assertEquals(2, ordered(Float.floatToRawIntBits(Float.MIN_VALUE))
                - ordered(Float.floatToRawIntBits(-Float.MIN_VALUE)));
        assertEquals(0, ordered(Float.floatToRawIntBits(0f)) - ordered(Float.floatToRawIntBits(-0f)));
    }
}
