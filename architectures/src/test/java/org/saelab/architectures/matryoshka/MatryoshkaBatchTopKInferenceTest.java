package org.saelab.architectures.matryoshka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.saelab.api.Inference;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.ArchitectureFixtures;

/** Both inference modes of Matryoshka BatchTopK: batch top-k and the running threshold. */
class MatryoshkaBatchTopKInferenceTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 8;
    private static final int ROWS = 50;

    private static MatryoshkaBatchTopKSae sae() {
        return ArchitectureFixtures.perturbed(
                new MatryoshkaBatchTopKSae(INPUT_DIM, new MatryoshkaBatchTopKConfig(WIDTH, 2, List.of(3, 8))), 21, 1);
    }

    @Test
    void topKKeepsTheFloorOfKTimesRowsLargestActivationsOverTheBatch() {
        MatryoshkaBatchTopKSae sae = sae();
        float[] x = ArchitectureFixtures.gaussian(ROWS * INPUT_DIM, 22, 1);
        float[] dense = ArchitectureFixtures.relu(sae, x, ROWS);
        for (double k : new double[] {1.5, 2}) {
            float[] topk = new float[ROWS * WIDTH];
            sae.infer(x, ROWS, Inference.TOPK, k, topk);
            assertEquals((long) Math.floor(k * ROWS), IntStream.range(0, topk.length).filter(e -> topk[e] != 0f).count());
            float smallestKept = Float.POSITIVE_INFINITY;
            float largestDropped = 0;
            for (int e = 0; e < dense.length; e++) {
                if (topk[e] != 0f) {
                    assertEquals(dense[e], topk[e], 0f);
                    smallestKept = Math.min(smallestKept, topk[e]);
                } else {
                    largestDropped = Math.max(largestDropped, dense[e]);
                }
            }
            assertTrue(smallestKept > largestDropped, "kept " + smallestKept + " > dropped " + largestDropped);
        }
    }

    @Test
    void theThresholdLearntInTrainingSelectsAtInference() {
        MatryoshkaBatchTopKSae sae = sae();
        TrainingState state = ArchitectureFixtures.gaussianState(16, INPUT_DIM, WIDTH, 2, 23, 1);
        double expected = 0;
        sae.setThreshold(0);
        for (int step = 0; step < 3; step++) {
            TrainingStep.forwardBackward(sae, List.of(ArchitectureFixtures.mse(3), ArchitectureFixtures.mse(WIDTH)), state);
            float min = Float.POSITIVE_INFINITY;
            for (int e = 0; e < state.main.count(); e++) {
                min = Math.min(min, state.main.values[e]);
            }
            expected = 0.99 * expected + 0.01 * min;
            sae.afterStep(state);
            assertEquals(expected, sae.threshold(), 1e-12, "step " + step);
        }
        float[] x = ArchitectureFixtures.gaussian(ROWS * INPUT_DIM, 24, 1);
        float[] dense = ArchitectureFixtures.relu(sae, x, ROWS);
        float[] sorted = dense.clone();
        Arrays.sort(sorted);
        sae.setThreshold(sorted[(int) (0.75 * sorted.length)]);
        assertTrue(sae.threshold() > 0);
        float[] out = new float[ROWS * WIDTH];
        sae.infer(x, ROWS, Inference.THRESHOLD, 2, out);
        for (int e = 0; e < dense.length; e++) {
            assertEquals(dense[e] > sae.threshold() ? dense[e] : 0f, out[e], 0f, "entry " + e);
        }
    }
}
