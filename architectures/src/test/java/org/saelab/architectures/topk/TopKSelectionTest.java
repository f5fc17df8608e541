package org.saelab.architectures.topk;

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

/** Which entries TopK keeps: each sample's k largest positive pre-activations. */
class TopKSelectionTest {
    private static final int INPUT_DIM = 4;
    private static final int WIDTH = 7;
    private static final int BATCH = 9;

    private static SparseCode select(double k, TrainingState state) {
        TopKSae sae = new TopKSae(INPUT_DIM, new TopKConfig(WIDTH, 1));
        SparseCode code = new SparseCode(BATCH * WIDTH);
        sae.select(state, k, code);
        return code;
    }

    private static int[] flatIndices(SparseCode code) {
        return IntStream.range(0, code.count()).map(e -> code.rows[e] * WIDTH + code.latents[e]).toArray();
    }

    /** Per row, the keep largest positive entries (stable: the earliest on ties), row-major. */
    private static int[] expected(float[] pre, int keep) {
        return IntStream.range(0, BATCH).flatMap(b -> IntStream.range(b * WIDTH, (b + 1) * WIDTH).boxed()
                        .filter(e -> pre[e] > 0)
                        .sorted(Comparator.comparingDouble((Integer e) -> -pre[e]))
                        .limit(keep)
                        .mapToInt(Integer::intValue)
                        .sorted())
                .toArray();
    }

    @Test
    void eachSampleKeepsItsOwnKLargestPositiveValues() {
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        SplittableRandom random = new SplittableRandom(5);
        for (int e = 0; e < state.pre.length; e++) {
            // every row has at least 3 positives: values in (-1, 2), first three shifted up
            state.pre[e] = (float) (random.nextDouble() * 3 - 1) + (e % WIDTH < 3 ? 1.5f : 0f);
        }
        // one row dominates: a batch-level selection would spend most of the budget there
        for (int j = 0; j < WIDTH; j++) {
            state.pre[2 * WIDTH + j] = 10 + j;
        }
        SparseCode code = select(3, state);
        assertEquals(3 * BATCH, code.count());
        int[] perRow = new int[BATCH];
        for (int e = 0; e < code.count(); e++) {
            perRow[code.rows[e]]++;
            assertEquals(state.pre[code.rows[e] * WIDTH + code.latents[e]], code.values[e], 0f, "values are the pre-activations");
        }
        int[] three = new int[BATCH];
        Arrays.fill(three, 3);
        assertArrayEquals(three, perRow, "exactly k per sample");
        assertArrayEquals(expected(state.pre, 3), flatIndices(code));
        assertArrayEquals(new int[] {2 * WIDTH + 4, 2 * WIDTH + 5, 2 * WIDTH + 6},
                IntStream.of(flatIndices(code)).filter(e -> e / WIDTH == 2).toArray(), "the dominant row keeps its top 3 only");
    }

    @Test
    void aSampleWithFewerPositivesThanKKeepsOnlyItsPositives() {
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        Arrays.fill(state.pre, -1f);
        state.pre[0] = 0.5f;
        state.pre[1] = 0f;
        state.pre[WIDTH + 3] = 0.2f;
        state.pre[WIDTH + 4] = 0.1f;
        for (int j = 0; j < WIDTH; j++) {
            state.pre[4 * WIDTH + j] = 1 + j;
        }
        int[] kept = flatIndices(select(3, state));
        assertArrayEquals(new int[] {0, WIDTH + 3, WIDTH + 4, 4 * WIDTH + 4, 4 * WIDTH + 5, 4 * WIDTH + 6}, kept);
    }

    @Test
    void aFractionalTermKIsRoundedDownPerSample() {
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        SplittableRandom random = new SplittableRandom(6);
        for (int e = 0; e < state.pre.length; e++) {
            state.pre[e] = (float) (1 + random.nextDouble());
        }
        assertArrayEquals(expected(state.pre, 2), flatIndices(select(2.9, state)));
        assertEquals(0, select(0.5, state).count(), "⌊0.5⌋ = 0 per sample");
        assertEquals(BATCH * WIDTH, select(WIDTH + 3, state).count(), "at most the width");
    }

    @Test
    void selectionMatchesASortOnManyRandomBatchesWithTies() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
            for (int e = 0; e < state.pre.length; e++) {
                state.pre[e] = (random.nextInt(9) - 3) / 4f;
            }
            int k = 1 + random.nextInt(WIDTH);
            assertArrayEquals(expected(state.pre, k), flatIndices(select(k, state)), "trial " + trial + ", k = " + k);
        }
    }
}
