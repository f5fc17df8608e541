package org.saelab.architectures.topk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.Inference;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.ArchitectureFixtures;

/** Both inference modes: per-sample top k, and the JumpReLU-style running threshold. */
class TopKInferenceTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 8;
    private static final int ROWS = 50;

    private static TopKSae sae() {
        return ArchitectureFixtures.perturbed(new TopKSae(INPUT_DIM, new TopKConfig(WIDTH, 2)), 21, 1);
    }

    private static float[] inputs() {
        return ArchitectureFixtures.gaussian(ROWS * INPUT_DIM, 22, 1);
    }

    @Test
    void topKKeepsTheKLargestActivationsOfEachSample() {
        TopKSae sae = sae();
        float[] x = inputs();
        float[] dense = ArchitectureFixtures.relu(sae, x, ROWS);
        for (double k : new double[] {1, 2, 3, 2.7}) {
            int keep = (int) Math.floor(k);
            float[] topk = new float[ROWS * WIDTH];
            sae.infer(x, ROWS, Inference.TOPK, k, topk);
            for (int b = 0; b < ROWS; b++) {
                int positives = 0;
                int kept = 0;
                float smallestKept = Float.POSITIVE_INFINITY;
                float largestDropped = 0;
                for (int j = 0; j < WIDTH; j++) {
                    int e = b * WIDTH + j;
                    positives += dense[e] > 0 ? 1 : 0;
                    if (topk[e] != 0f) {
                        kept++;
                        assertEquals(dense[e], topk[e], 0f, "a kept activation is unchanged");
                        smallestKept = Math.min(smallestKept, topk[e]);
                    } else {
                        largestDropped = Math.max(largestDropped, dense[e]);
                    }
                }
                assertEquals(Math.min(keep, positives), kept, "row " + b + ", k = " + k);
                assertTrue(kept == 0 || smallestKept >= largestDropped, "row " + b + ": kept " + smallestKept + " dropped " + largestDropped);
            }
        }
        long rowsWithAtLeastThree = java.util.stream.IntStream.range(0, ROWS)
                .filter(b -> java.util.stream.IntStream.range(0, WIDTH).filter(j -> dense[b * WIDTH + j] > 0).count() >= 3)
                .count();
        assertTrue(rowsWithAtLeastThree > ROWS / 2, "the cut matters in most rows: " + rowsWithAtLeastThree);
    }

    @Test
    void theThresholdIsTheRunningAverageOfTheSmallestKeptActivationOfEachTrainingBatch() {
        TopKSae sae = new TopKSae(INPUT_DIM, new TopKConfig(WIDTH, 2));
        sae.initialiseRandom(1);
        assertEquals(0, sae.threshold(), 0);
        TrainingState state = ArchitectureFixtures.gaussianState(16, INPUT_DIM, WIDTH, 2, 23, 1);
        double expected = 0;
        for (int step = 0; step < 3; step++) {
            TrainingStep.forwardBackward(sae, List.of(ArchitectureFixtures.mse(WIDTH)), state);
            float min = Float.POSITIVE_INFINITY;
            for (int e = 0; e < state.main.count(); e++) {
                min = Math.min(min, state.main.values[e]);
            }
            assertTrue(min > 0 && state.main.count() == 32, "k per sample: " + state.main.count());
            expected = 0.99 * expected + 0.01 * min;
            sae.afterStep(state);
            assertEquals(expected, sae.threshold(), 1e-12, "step " + step);
        }
    }

    @Test
    void thresholdModeKeepsExactlyTheActivationsAboveTheThresholdWhateverK() {
        TopKSae sae = sae();
        float[] x = inputs();
        float[] dense = ArchitectureFixtures.relu(sae, x, ROWS);
        float[] sorted = dense.clone();
        Arrays.sort(sorted);
        double threshold = sorted[(int) (0.8 * sorted.length)];
        assertTrue(threshold > 0, "a threshold inside the positive activations");
        sae.setThreshold(threshold);
        float[] out = new float[ROWS * WIDTH];
        sae.infer(x, ROWS, Inference.THRESHOLD, 2, out);
        int[] perRow = new int[ROWS];
        for (int e = 0; e < dense.length; e++) {
            assertEquals(dense[e] > threshold ? dense[e] : 0f, out[e], 0f, "entry " + e);
            perRow[e / WIDTH] += out[e] != 0f ? 1 : 0;
        }
        assertTrue(Arrays.stream(perRow).distinct().count() > 1, "not a fixed count per sample: " + Arrays.toString(perRow));
        assertTrue(Arrays.stream(perRow).anyMatch(c -> c > 2), "some sample fires more than k: " + Arrays.toString(perRow));
    }
}
