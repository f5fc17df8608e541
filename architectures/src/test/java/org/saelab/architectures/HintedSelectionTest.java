package org.saelab.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saelab.api.LinearSae;
import org.saelab.api.SparseCode;
import org.saelab.api.TopK;
import org.saelab.api.TrainingState;
import org.saelab.architectures.batchtopk.BatchTopKConfig;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.architectures.matryoshka.MatryoshkaBatchTopKConfig;
import org.saelab.architectures.matryoshka.MatryoshkaBatchTopKSae;

/**
 * BatchTopK and Matryoshka BatchTopK select with the training state's cut hint: over successive
 * batches at the post's shape, at the training k and at another (a multi-L0 or MSE term's), the
 * same code as the selection without a hint.
 */
class HintedSelectionTest {
    private static final int INPUT_DIM = 50;
    private static final int WIDTH = 20;
    private static final int BATCH = 1024;

    private static void check(LinearSae sae) {
        sae.initialiseRandom(3);
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        SplittableRandom random = new SplittableRandom(5);
        int n = BATCH * WIDTH;
        for (int step = 0; step < 30; step++) {
            for (int i = 0; i < state.batch.inputs.length; i++) {
                state.batch.inputs[i] = (float) (random.nextGaussian() * (1 + 0.01 * step));
            }
            sae.encode(state);
            for (double k : new double[] {5, 3.5}) {
                SparseCode hinted = new SparseCode(n);
                sae.select(state, k, hinted);
                SparseCode plain = new SparseCode(n);
                TopK.selectBatch(state.pre, BATCH, WIDTH, (long) Math.floor(k * BATCH), new float[n], plain);
                String what = sae.getClass().getSimpleName() + ", step " + step + ", k " + k;
                int count = plain.count();
                assertEquals(count, hinted.count(), what);
                assertArrayEquals(Arrays.copyOf(plain.rows, count), Arrays.copyOf(hinted.rows, count), what);
                assertArrayEquals(Arrays.copyOf(plain.latents, count), Arrays.copyOf(hinted.latents, count), what);
                assertArrayEquals(Arrays.copyOf(plain.values, count), Arrays.copyOf(hinted.values, count), what);
            }
        }
        if (TopK.CutHint.used()) {
            assertTrue(state.cutHint.found() >= 50, "the state's hint held most cuts: " + state.cutHint.found());
        }
    }

    @Test
    void batchTopKSelectsWithTheStateHintAsWithout() {
        check(new BatchTopKSae(INPUT_DIM, new BatchTopKConfig(WIDTH, 5)));
    }

    @Test
    void matryoshkaSelectsWithTheStateHintAsWithout() {
        check(new MatryoshkaBatchTopKSae(INPUT_DIM, new MatryoshkaBatchTopKConfig(WIDTH, 5, List.of(5, 10, 20))));
    }
}
