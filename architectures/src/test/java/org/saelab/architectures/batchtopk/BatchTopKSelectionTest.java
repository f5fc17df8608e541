package org.saelab.architectures.batchtopk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;

/** Which entries BatchTopK keeps: the ⌊k·B⌋ largest positive pre-activations of the whole batch. */
class BatchTopKSelectionTest {
    private static final int INPUT_DIM = 4;
    private static final int WIDTH = 6;
    private static final int BATCH = 10;

    private static TrainingState state() {
        return new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
    }

    private static SparseCode select(double k, TrainingState state) {
        BatchTopKSae sae = new BatchTopKSae(INPUT_DIM, new BatchTopKConfig(WIDTH, Math.max(k, 1)));
        SparseCode code = new SparseCode(BATCH * WIDTH);
        sae.select(state, k, code);
        return code;
    }

    private static int[] flatIndices(SparseCode code) {
        int[] out = new int[code.count()];
        for (int e = 0; e < code.count(); e++) {
            out[e] = code.rows[e] * WIDTH + code.latents[e];
        }
        return out;
    }

    /** Distinct values, about a third negative, shuffled so rows hold very different counts. */
    private static void fillDistinct(float[] pre, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int e = 0; e < pre.length; e++) {
            pre[e] = (float) (random.nextDouble() * 3 - 1);
        }
        assertEquals(pre.length, IntStream.range(0, pre.length).mapToDouble(e -> pre[e]).distinct().count());
    }

    @Test
    void fractionalKKeepsTheFloorOfKTimesBLargestValuesOfTheWholeBatchInRowMajorOrder() {
        TrainingState state = state();
        fillDistinct(state.pre, 11);
        SparseCode code = select(1.8, state);
        assertEquals(18, code.count(), "⌊1.8 · 10⌋");
        int[] expected = IntStream.range(0, state.pre.length).boxed()
                .sorted(Comparator.comparingDouble((Integer e) -> state.pre[e]).reversed())
                .limit(18)
                .mapToInt(Integer::intValue)
                .sorted()
                .toArray();
        assertArrayEquals(expected, flatIndices(code), "the 18 largest, row-major");
        for (int e = 0; e < code.count(); e++) {
            assertEquals(state.pre[code.rows[e] * WIDTH + code.latents[e]], code.values[e], 0f, "values are the pre-activations");
        }
        int[] perRow = new int[BATCH];
        for (int e = 0; e < code.count(); e++) {
            perRow[code.rows[e]]++;
        }
        assertTrue(Arrays.stream(perRow).distinct().count() > 1,
                "batch-level, not per sample: rows keep different counts " + Arrays.toString(perRow));
    }

    @Test
    void integerAndSmallKCountsFollowFloorOfKTimesB() {
        TrainingState state = state();
        fillDistinct(state.pre, 12);
        long positives = IntStream.range(0, state.pre.length).filter(e -> state.pre[e] > 0).count();
        assertTrue(positives >= 30, "enough positives for the counts below: " + positives);
        assertEquals(20, select(2, state).count());
        assertEquals(25, select(2.5, state).count());
        assertEquals(1, select(0.19, state).count(), "⌊1.9⌋");
        assertEquals(0, select(0.05, state).count(), "⌊0.5⌋ keeps nothing");
    }

    @Test
    void withFewerPositivesThanTheBudgetEveryPositiveIsKeptAndNothingElse() {
        TrainingState state = state();
        Arrays.fill(state.pre, -0.5f);
        int[] positive = {3, 7, 8, 20, 41, 59};
        for (int e : positive) {
            state.pre[e] = 0.1f * (e + 1);
        }
        state.pre[10] = 0f;
        state.pre[11] = -0f;
        SparseCode code = select(1.8, state);
        assertArrayEquals(positive, flatIndices(code), "all 6 positives, no zero and no negative");
    }

    @Test
    void tiesAtTheCutKeepTheEarliestEntriesInRowMajorOrder() {
        TrainingState state = state();
        Arrays.fill(state.pre, 0.5f);
        // six entries above the tied value: the other 12 of the 18 must be the earliest ties
        int[] above = {2, 9, 15, 30, 44, 58};
        for (int e : above) {
            state.pre[e] = 0.9f;
        }
        SparseCode code = select(1.8, state);
        int[] kept = flatIndices(code);
        assertEquals(18, kept.length);
        int[] ties = IntStream.range(0, state.pre.length).filter(e -> state.pre[e] == 0.5f).limit(12).toArray();
        int[] expected = IntStream.concat(Arrays.stream(above), Arrays.stream(ties)).sorted().toArray();
        assertArrayEquals(expected, kept);
        assertArrayEquals(kept, flatIndices(select(1.8, state)), "deterministic");
    }

    @Test
    void selectionMatchesASortOnManyRandomBatches() {
        SplittableRandom random = new SplittableRandom(13);
        for (int trial = 0; trial < 200; trial++) {
            TrainingState state = state();
            for (int e = 0; e < state.pre.length; e++) {
                // few distinct values, so ties at the cut are common
                state.pre[e] = (random.nextInt(9) - 3) / 4f;
            }
            double k = 0.1 + random.nextDouble() * 5;
            int keep = (int) Math.floor(k * BATCH);
            int[] expected = IntStream.range(0, state.pre.length).boxed()
                    .filter(e -> state.pre[e] > 0)
                    // stable sort: equal values stay in row-major order, so ties keep the earliest
                    .sorted(Comparator.comparingDouble((Integer e) -> -state.pre[e]))
                    .limit(keep)
                    .mapToInt(Integer::intValue)
                    .sorted()
                    .toArray();
            assertArrayEquals(expected, flatIndices(select(k, state)), "trial " + trial + ", k = " + k);
        }
    }
}
