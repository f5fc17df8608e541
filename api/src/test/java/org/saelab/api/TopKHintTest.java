package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Batch top-k with a cut hint against {@link ReferenceTopK}, the selection before hints: the
 * same entries, values, order and count for every input and every hint, on the Vector API pass
 * and on the plain loop.
 */
class TopKHintTest {
    private static final int POST_ROWS = 1024;
    private static final int POST_WIDTH = 20;
    private static final long POST_KEEP = 5120;

    private static SparseCode code(int capacity, int prefilled) {
        SparseCode code = new SparseCode(capacity);
        for (int i = 0; i < prefilled; i++) {
            code.add(i, i + 1, -i - 0.5f);
        }
        return code;
    }

    /** Selects with the reference, with the hint (if any) and without, and asserts they agree. */
    private static SparseCode check(float[] pre, int rows, int width, long keep, TopK.CutHint hint, int capacity,
            int prefilled, String what) {
        int n = rows * width;
        SparseCode expected = code(capacity, prefilled);
        ReferenceTopK.selectBatch(pre, rows, width, keep, new float[n], expected);
        SparseCode hinted = code(capacity, prefilled);
        TopK.selectBatch(pre, rows, width, keep, new float[n], hinted, hint);
        assertSame(expected, hinted, what + " (hint)");
        SparseCode plain = code(capacity, prefilled);
        TopK.selectBatch(pre, rows, width, keep, new float[n], plain);
        assertSame(expected, plain, what + " (no hint)");
        return expected;
    }

    private static SparseCode check(float[] pre, int rows, int width, long keep, TopK.CutHint hint, String what) {
        return check(pre, rows, width, keep, hint, rows * width, 0, what);
    }

    private static void assertSame(SparseCode expected, SparseCode actual, String what) {
        assertEquals(expected.count(), actual.count(), what + ": count");
        int count = expected.count();
        assertArrayEquals(Arrays.copyOf(expected.rows, count), Arrays.copyOf(actual.rows, count), what + ": rows");
        assertArrayEquals(Arrays.copyOf(expected.latents, count), Arrays.copyOf(actual.latents, count),
                what + ": latents");
        for (int e = 0; e < count; e++) {
            assertEquals(Float.floatToRawIntBits(expected.values[e]), Float.floatToRawIntBits(actual.values[e]),
                    what + ": value bits of entry " + e);
        }
    }

    /**
     * Pre-activations of a training-like batch: each latent has its own mean and spread (some
     * mostly negative, some often large), drifting by {@code step · drift}, with fresh noise.
     */
    private static float[] batch(int rows, int width, long latentSeed, long noiseSeed, int step, double drift) {
        SplittableRandom latents = new SplittableRandom(latentSeed);
        double[] mean = new double[width];
        double[] spread = new double[width];
        double[] trend = new double[width];
        for (int j = 0; j < width; j++) {
            mean[j] = latents.nextGaussian() * 0.8 - 0.3;
            spread[j] = 0.3 + latents.nextDouble() * 1.5;
            trend[j] = latents.nextGaussian();
        }
        SplittableRandom noise = new SplittableRandom(noiseSeed);
        float[] pre = new float[rows * width];
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < width; j++) {
                pre[b * width + j] = (float) (mean[j] + step * drift * trend[j] + spread[j] * noise.nextGaussian());
            }
        }
        return pre;
    }

    @Test
    void successiveDriftingStepsAtThePostShapeMatchTheReference() {
        TopK.CutHint hint = new TopK.CutHint();
        for (int step = 0; step < 60; step++) {
            // the drift speeds up at step 30, so the band has to widen after misses
            double drift = step < 30 ? 0.002 : 0.05;
            float[] pre = batch(POST_ROWS, POST_WIDTH, 1, 100 + step, step, drift);
            SparseCode code = check(pre, POST_ROWS, POST_WIDTH, POST_KEEP, hint, "step " + step);
            assertEquals(POST_KEEP, code.count(), "step " + step + " keeps k · B");
        }
        if (TopK.CutHint.used()) {
            assertTrue(hint.found() >= 50, "the band held most cuts: " + hint.found() + " of 59");
            assertTrue(hint.missed() >= 1, "the faster drift from step 30 on missed the band at least once");
        }
    }

    @Test
    void gaussianBatchesOfManyShapesAndKeeps() {
        SplittableRandom random = new SplittableRandom(3);
        // widths below 8 (plain loop only), not multiples of 8 (vectors spanning two rows) and wide
        int[] widths = {1, 5, 8, 9, 20, 33, 64, 100, 512};
        for (int width : widths) {
            TopK.CutHint hint = new TopK.CutHint();
            for (int round = 0; round < 8; round++) {
                int rows = 4096 / width + 1 + random.nextInt(300);
                int n = rows * width;
                float[] pre = new float[n];
                for (int i = 0; i < n; i++) {
                    pre[i] = (float) random.nextGaussian();
                }
                long keep = 1 + random.nextInt(n / 2);
                check(pre, rows, width, keep, hint, "width " + width + ", rows " + rows + ", keep " + keep);
                // the same batch again: the hint now holds this cut exactly
                check(pre, rows, width, keep, hint, "again, width " + width);
            }
        }
    }

    @Test
    void theLargeShapeOverDriftingSteps() {
        int rows = 4096;
        int width = 4096;
        long keep = 32L * rows;
        TopK.CutHint hint = new TopK.CutHint();
        for (int step = 0; step < 3; step++) {
            float[] pre = batch(rows, width, 5, 50 + step, step, 0.001);
            SparseCode code = check(pre, rows, width, keep, hint, "large, step " + step);
            assertEquals(keep, code.count());
        }
    }

    @Test
    void tiesAtTheCutKeepTheEarliestWithAndWithoutAHint() {
        SplittableRandom random = new SplittableRandom(4);
        int rows = 512;
        int width = 20;
        int n = rows * width;
        for (int levels : new int[] {2, 3, 5, 17, 200}) {
            TopK.CutHint hint = new TopK.CutHint();
            for (int round = 0; round < 12; round++) {
                float[] pre = new float[n];
                for (int i = 0; i < n; i++) {
                    pre[i] = (random.nextInt(levels) - levels / 3) * 0.25f;
                }
                long keep = round < 6 ? 1 + random.nextInt(n / 2) : n / 4 + round;
                check(pre, rows, width, keep, hint, levels + " levels, keep " + keep);
            }
        }
    }

    @Test
    void manyEqualValuesAroundTheCut() {
        int rows = 1024;
        int width = 20;
        int n = rows * width;
        SplittableRandom random = new SplittableRandom(8);
        TopK.CutHint hint = new TopK.CutHint();
        for (int round = 0; round < 10; round++) {
            float[] pre = new float[n];
            for (int i = 0; i < n; i++) {
                pre[i] = (float) random.nextGaussian();
            }
            // a block of identical rows (the same sample twice, or an empty one) holding the cut's value
            float tied = 0.67f + round * 0.001f;
            for (int i = 0; i < 300; i++) {
                pre[random.nextInt(n)] = tied;
            }
            check(pre, rows, width, n / 4, hint, "round " + round);
            Arrays.fill(pre, 0, n / 2, tied);
            check(pre, rows, width, n / 4, hint, "half tied, round " + round);
        }
        float[] constant = new float[n];
        Arrays.fill(constant, 1.5f);
        check(constant, rows, width, 5120, hint, "all equal");
        check(constant, rows, width, n, hint, "all equal, keep everything");
    }

    @Test
    void negativesZerosAndTooFewPositives() {
        int rows = 1024;
        int width = 20;
        int n = rows * width;
        SplittableRandom random = new SplittableRandom(9);
        TopK.CutHint hint = new TopK.CutHint();
        float[] pre = new float[n];
        for (int i = 0; i < n; i++) {
            pre[i] = (float) random.nextGaussian() + 1f;
        }
        check(pre, rows, width, 5120, hint, "priming the hint");
        for (int round = 0; round < 6; round++) {
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(4);
                pre[i] = kind == 0 ? 0f : kind == 1 ? -0f : kind == 2 ? -(float) Math.abs(random.nextGaussian())
                        : (float) Math.abs(random.nextGaussian());
            }
            long positives = 0;
            for (float v : pre) {
                positives += v > 0f ? 1 : 0;
            }
            check(pre, rows, width, 5120, hint, "a quarter positive, round " + round);
            check(pre, rows, width, positives, hint, "keep = positives");
            check(pre, rows, width, positives + 1 + round, hint, "keep > positives");
            check(pre, rows, width, 0, hint, "keep 0");
        }
        float[] negative = new float[n];
        for (int i = 0; i < n; i++) {
            negative[i] = -(float) Math.abs(random.nextGaussian()) - Float.MIN_VALUE;
        }
        assertEquals(0, check(negative, rows, width, 5120, hint, "all negative").count());
        Arrays.fill(negative, 0f);
        assertEquals(0, check(negative, rows, width, 5120, hint, "all zero").count());
    }

    @Test
    void tinyHugeSubnormalAndNonFiniteValues() {
        int rows = 256;
        int width = 20;
        int n = rows * width;
        SplittableRandom random = new SplittableRandom(10);
        float[] special = {Float.MIN_VALUE, Float.MIN_NORMAL, 1e-39f, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7f80_0001), Float.intBitsToFloat(0xffc0_0000),
                1e38f, 2e38f, 1e-30f};
        for (int round = 0; round < 40; round++) {
            TopK.CutHint hint = new TopK.CutHint();
            float scale = round % 2 == 0 ? 1f : 1e-38f;
            float[] pre = new float[n];
            for (int i = 0; i < n; i++) {
                pre[i] = scale * (float) random.nextGaussian();
            }
            long keep = 1 + random.nextInt(n / 2);
            check(pre, rows, width, keep, hint, "priming, round " + round);
            int specials = 1 + random.nextInt(40);
            for (int i = 0; i < specials; i++) {
                pre[random.nextInt(n)] = special[random.nextInt(special.length)];
            }
            check(pre, rows, width, keep, hint, "round " + round);
            check(pre, rows, width, keep, hint, "again, round " + round);
        }
    }

    @Test
    void cutsAtTheTopAndBottomOfTheFloatRange() {
        int rows = 256;
        int width = 20;
        int n = rows * width;
        SplittableRandom random = new SplittableRandom(11);
        float[] top = {Float.MAX_VALUE, Math.nextDown(Float.MAX_VALUE), 3e38f, Float.POSITIVE_INFINITY, Float.NaN,
                Float.intBitsToFloat(0x7f80_0001), Float.intBitsToFloat(0x7f8f_ffff), Float.intBitsToFloat(0x7fc0_0001)};
        float[] bottom = {Float.MIN_VALUE, 2 * Float.MIN_VALUE, Float.intBitsToFloat(0x000f_ffff),
                Float.intBitsToFloat(0x0010_0000), Float.intBitsToFloat(0x0010_0001), Float.MIN_NORMAL, 0f, -0f};
        for (float[] special : new float[][] {top, bottom}) {
            for (int round = 0; round < 20; round++) {
                TopK.CutHint hint = new TopK.CutHint();
                float[] pre = new float[n];
                for (int i = 0; i < n; i++) {
                    pre[i] = random.nextInt(3) == 0 ? -1f : special[random.nextInt(special.length)];
                }
                long keep = 1 + random.nextInt(n / 2);
                check(pre, rows, width, keep, hint, "priming, round " + round);
                for (int i = 0; i < 50; i++) {
                    pre[random.nextInt(n)] = special[random.nextInt(special.length)];
                }
                check(pre, rows, width, keep, hint, "round " + round);
                check(pre, rows, width, keep + random.nextInt(50), hint, "another keep, round " + round);
            }
        }
    }

    @Test
    void staleWrongAndSharedHints() {
        int rows = 1024;
        int width = 20;
        SplittableRandom random = new SplittableRandom(12);
        TopK.CutHint hint = new TopK.CutHint();
        List<float[]> batches = new ArrayList<>();
        for (double scale : new double[] {1, 1e-3, 1e3, 1.02, 0.98, 1e-20, 1e20}) {
            float[] pre = new float[rows * width];
            for (int i = 0; i < pre.length; i++) {
                pre[i] = (float) (scale * random.nextGaussian());
            }
            batches.add(pre);
        }
        // every batch after every other: the hint is far too low, too high, or nearly right
        for (int round = 0; round < 3; round++) {
            for (int a = 0; a < batches.size(); a++) {
                for (int b = 0; b < batches.size(); b++) {
                    check(batches.get(a), rows, width, POST_KEEP, hint, "batch " + a);
                    check(batches.get(b), rows, width, POST_KEEP, hint, "batch " + b + " after " + a);
                }
            }
        }
        // a band narrowed on one batch, then the same batch scaled: the cut lies above or below the band
        long foundAfterMiss = 0;
        for (double scale : new double[] {1.1, 0.9, 1.3, 0.7, 1.01, 0.99}) {
            TopK.CutHint narrow = new TopK.CutHint();
            float[] base = batches.get(0);
            for (int i = 0; i < 12; i++) {
                check(base, rows, width, POST_KEEP, narrow, "narrowing");
            }
            float[] scaled = base.clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= (float) scale;
            }
            check(scaled, rows, width, POST_KEEP, narrow, "scaled by " + scale);
            check(base, rows, width, POST_KEEP, narrow, "back from " + scale);
            foundAfterMiss += narrow.foundAfterMiss();
        }
        if (TopK.CutHint.used()) {
            assertTrue(foundAfterMiss >= 4, "a second band held the cut after a miss: " + foundAfterMiss);
        }
        // no hint, one hint for several keeps, a k schedule, and other batch sizes
        float[] pre = batches.get(0);
        check(pre, rows, width, POST_KEEP, null, "no hint");
        for (long keep : new long[] {4096, 6144, 4096, 6144, 5000, 5050, 5100, 5150, 5200, 100, 20000, 20480}) {
            check(pre, rows, width, keep, hint, "keep " + keep);
        }
        for (int smaller : new int[] {512, 205, 1024}) {
            check(pre, smaller, width, smaller * 5L, hint, "rows " + smaller);
        }
    }

    @Test
    void aFullOrNearlyFullCodeAndAppendingAfterEntries() {
        int rows = 1024;
        int width = 20;
        int n = rows * width;
        SplittableRandom random = new SplittableRandom(14);
        float[] pre = new float[n];
        for (int i = 0; i < n; i++) {
            pre[i] = (float) random.nextGaussian();
        }
        TopK.CutHint hint = new TopK.CutHint();
        check(pre, rows, width, POST_KEEP, hint, n, 0, "priming");
        check(pre, rows, width, POST_KEEP, hint, n, 7, "after 7 entries");
        check(pre, rows, width, POST_KEEP, hint, (int) POST_KEEP + 8, 7, "just enough room");
        check(pre, rows, width, POST_KEEP, hint, (int) POST_KEEP + 13, 7, "a little room to spare");
        // about half the values are positive: a hint far below the cut gathers more than fits
        long missed = hint.missed();
        check(pre, rows, width, POST_KEEP, hint, (int) POST_KEEP + 8, 7, "just enough room");
        if (TopK.CutHint.used()) {
            assertEquals(missed + 1, hint.missed(), "the entries at or above the band's bottom do not fit");
        }
        check(pre, rows, width, POST_KEEP, hint, (int) POST_KEEP + 300, 7, "a little room to spare");
        // a hint from a batch on a hundredth of the scale: nearly every positive entry is a candidate
        float[] small = pre.clone();
        for (int i = 0; i < n; i++) {
            small[i] *= 0.01f;
        }
        check(small, rows, width, 9000, hint, 2 * n, 0, "priming a low cut");
        check(small, rows, width, 9000, hint, 2 * n, 0, "priming a low cut, again");
        missed = hint.missed();
        check(pre, rows, width, 9000, hint, 9100, 0, "the band's candidates overflow the code");
        if (TopK.CutHint.used()) {
            assertEquals(missed + 1, hint.missed(), "overflow");
        }
    }

    @Test
    void theHintFindsTheCutOnceWarmAndTheBandIsNarrow() {
        // not a result check: the band must actually hold the cut, or the tests above prove little
        int rows = 1024;
        int width = 20;
        int n = rows * width;
        TopK.CutHint hint = new TopK.CutHint();
        for (int step = 0; step < 40; step++) {
            float[] pre = batch(rows, width, 1, 300 + step, step, 0.002);
            SparseCode code = new SparseCode(n);
            TopK.selectBatch(pre, rows, width, POST_KEEP, new float[n], code, hint);
            if (step >= 5) {
                int slot = hint.slot(n, POST_KEEP);
                long band = hint.band(slot);
                int lo = (int) (band >>> 32);
                int hi = (int) band;
                int inBand = 0;
                for (float v : pre) {
                    int bits = Float.floatToRawIntBits(v);
                    inBand += bits >= lo && bits <= hi ? 1 : 0;
                }
                assertTrue(inBand < n / 10, "step " + step + ": " + inBand + " values in the band");
            }
        }
        if (TopK.CutHint.used()) {
            assertEquals(39, hint.found() + hint.missed(), "every call after the first searched a band");
            assertTrue(hint.missed() <= 2, "misses: " + hint.missed());
        } else {
            assertEquals(0, hint.found() + hint.missed(), "no band without the Vector API");
        }
    }
}
