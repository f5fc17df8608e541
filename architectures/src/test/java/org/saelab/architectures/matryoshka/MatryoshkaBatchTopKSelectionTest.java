package org.saelab.architectures.matryoshka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;

/** Matryoshka's one encoding is BatchTopK's: the ⌊k·B⌋ largest positive entries of the batch. */
class MatryoshkaBatchTopKSelectionTest {
    private static final int INPUT_DIM = 4;
    private static final int WIDTH = 6;
    private static final int BATCH = 10;

    private static SparseCode select(double k, TrainingState state) {
        MatryoshkaBatchTopKSae sae = new MatryoshkaBatchTopKSae(INPUT_DIM, new MatryoshkaBatchTopKConfig(WIDTH, 1, List.of(2, 4, 6)));
        SparseCode code = new SparseCode(BATCH * WIDTH);
        sae.select(state, k, code);
        return code;
    }

    @Test
    void selectionMatchesASortOverTheWholeBatchOnManyRandomBatches() {
        SplittableRandom random = new SplittableRandom(13);
        for (int trial = 0; trial < 200; trial++) {
            TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
            for (int e = 0; e < state.pre.length; e++) {
                state.pre[e] = (random.nextInt(9) - 3) / 4f;
            }
            double k = 0.1 + random.nextDouble() * 5;
            int keep = (int) Math.floor(k * BATCH);
            int[] expected = IntStream.range(0, state.pre.length).boxed()
                    .filter(e -> state.pre[e] > 0)
                    .sorted(Comparator.comparingDouble((Integer e) -> -state.pre[e]))
                    .limit(keep)
                    .mapToInt(Integer::intValue)
                    .sorted()
                    .toArray();
            SparseCode code = select(k, state);
            int[] kept = IntStream.range(0, code.count()).map(e -> code.rows[e] * WIDTH + code.latents[e]).toArray();
            assertArrayEquals(expected, kept, "trial " + trial + ", k = " + k);
        }
    }

    @Test
    void fractionalKKeepsTheFloorOfKTimesB() {
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        SplittableRandom random = new SplittableRandom(14);
        for (int e = 0; e < state.pre.length; e++) {
            state.pre[e] = (float) (0.1 + random.nextDouble());
        }
        assertEquals(18, select(1.8, state).count());
        assertEquals(25, select(2.5, state).count());
    }
}
