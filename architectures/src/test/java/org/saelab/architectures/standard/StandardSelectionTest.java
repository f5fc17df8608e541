package org.saelab.architectures.standard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;

/** The ReLU SAE keeps every positive pre-activation, whatever k is asked for. */
class StandardSelectionTest {
    private static final int INPUT_DIM = 4;
    private static final int WIDTH = 6;
    private static final int BATCH = 10;

    private static int[] select(double k, TrainingState state) {
        StandardSae sae = new StandardSae(INPUT_DIM, new StandardConfig(WIDTH));
        SparseCode code = new SparseCode(state.main.capacity());
        sae.select(state, k, code);
        for (int e = 0; e < code.count(); e++) {
            assertEquals(state.pre[code.rows[e] * WIDTH + code.latents[e]], code.values[e], 0f, "values are the pre-activations");
        }
        return IntStream.range(0, code.count()).map(e -> code.rows[e] * WIDTH + code.latents[e]).toArray();
    }

    @Test
    void everyPositiveEntryAndNothingElseInRowMajorOrder() {
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        SplittableRandom random = new SplittableRandom(3);
        for (int e = 0; e < state.pre.length; e++) {
            state.pre[e] = (float) (random.nextDouble() * 2 - 1);
        }
        state.pre[4] = 0f;
        state.pre[5] = -0f;
        state.pre[6] = Float.MIN_VALUE;
        int[] positives = IntStream.range(0, state.pre.length).filter(e -> state.pre[e] > 0).toArray();
        assertTrue(positives.length > 10 && positives.length < state.pre.length - 10, "a mix: " + positives.length);
        assertArrayEquals(positives, select(Double.NaN, state));
        assertArrayEquals(positives, select(1, state), "k does not limit a ReLU SAE");
        assertTrue(IntStream.of(positives).anyMatch(e -> e == 6) && IntStream.of(positives).noneMatch(e -> e == 4 || e == 5));
    }

    @Test
    void aBatchWhereEverythingIsPositiveFillsTheCode() {
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        java.util.Arrays.fill(state.pre, 0.25f);
        assertEquals(BATCH * WIDTH, select(Double.NaN, state).length, "the code holds B × width entries");
    }
}
