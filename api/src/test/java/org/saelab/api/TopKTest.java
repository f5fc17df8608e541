package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Batch top-k on batches large enough for the histogram path, against a sort. */
class TopKTest {
    /** The expected selection: the keep largest positive values, ties broken by position. */
    private static boolean[] reference(float[] pre, long keep) {
        Integer[] order = new Integer[pre.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> pre[a] != pre[b] ? Float.compare(pre[b], pre[a]) : Integer.compare(a, b));
        boolean[] kept = new boolean[pre.length];
        for (int i = 0; i < keep && i < order.length && pre[order[i]] > 0f; i++) {
            kept[order[i]] = true;
        }
        return kept;
    }

    private static void check(float[] pre, int rows, int width, long keep) {
        SparseCode code = new SparseCode(rows * width);
        TopK.selectBatch(pre, rows, width, keep, new float[rows * width], code);
        boolean[] expected = reference(pre, keep);
        int count = 0;
        for (boolean k : expected) {
            count += k ? 1 : 0;
        }
        assertEquals(count, code.count(), "kept entries");
        int previous = -1;
        for (int e = 0; e < code.count(); e++) {
            int at = code.rows[e] * width + code.latents[e];
            assertEquals(true, expected[at], "entry " + at + " kept");
            assertEquals(pre[at], code.values[e]);
            assertEquals(true, at > previous, "row-major order");
            previous = at;
        }
    }

    @Test
    void histogramPathMatchesASortOnRandomBatches() {
        SplittableRandom random = new SplittableRandom(2);
        for (int round = 0; round < 20; round++) {
            int rows = 256 + random.nextInt(1024);
            int width = 20;
            float[] pre = new float[rows * width];
            double shift = round % 4 == 0 ? -2.5 : 0;
            for (int i = 0; i < pre.length; i++) {
                pre[i] = (float) (random.nextGaussian() + shift);
            }
            check(pre, rows, width, (long) Math.floor((1 + random.nextInt(8)) * rows * 0.9));
        }
    }

    @Test
    void tiesAtTheCutKeepTheEarliestEntries() {
        int rows = 512;
        int width = 20;
        float[] pre = new float[rows * width];
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < pre.length; i++) {
            pre[i] = random.nextInt(5) * 0.25f - 0.25f;
        }
        for (long keep : new long[] {1, 100, 2560, 5000, 10239}) {
            check(pre, rows, width, keep);
        }
    }

    @Test
    void fewPositivesAndAllNonPositive() {
        int rows = 300;
        int width = 20;
        float[] pre = new float[rows * width];
        Arrays.fill(pre, -1f);
        pre[17] = 3f;
        pre[4000] = 1e-40f;
        check(pre, rows, width, 1500);
        Arrays.fill(pre, 0f);
        check(pre, rows, width, 1500);
    }
}
