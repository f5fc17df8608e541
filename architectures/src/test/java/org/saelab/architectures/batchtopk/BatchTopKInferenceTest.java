package org.saelab.architectures.batchtopk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.saelab.api.Inference;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;

/** Both inference modes and the running threshold that the threshold mode uses. */
class BatchTopKInferenceTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 8;
    private static final int ROWS = 50;

    private static BatchTopKSae sae() {
        return BatchTopKFixtures.perturbedSae(INPUT_DIM, WIDTH, 2, 21, 1);
    }

    private static float[] inputs() {
        SplittableRandom random = new SplittableRandom(22);
        float[] x = new float[ROWS * INPUT_DIM];
        for (int e = 0; e < x.length; e++) {
            x[e] = (float) random.nextGaussian();
        }
        return x;
    }

    /** relu(pre) with nothing cut: the threshold mode at threshold 0. */
    private static float[] relu(BatchTopKSae sae, float[] x) {
        double saved = sae.threshold();
        sae.setThreshold(0);
        float[] dense = new float[ROWS * WIDTH];
        sae.infer(x, ROWS, Inference.THRESHOLD, Double.NaN, dense);
        sae.setThreshold(saved);
        return dense;
    }

    private static long nonzeros(float[] a) {
        return IntStream.range(0, a.length).filter(e -> a[e] != 0f).count();
    }

    @Test
    void topKKeepsTheFloorOfKTimesRowsLargestActivationsOverTheBatch() {
        BatchTopKSae sae = sae();
        float[] x = inputs();
        float[] dense = relu(sae, x);
        assertTrue(nonzeros(dense) > 100, "enough positive activations: " + nonzeros(dense));
        for (double k : new double[] {1.5, 1.8, 2}) {
            float[] topk = new float[ROWS * WIDTH];
            sae.infer(x, ROWS, Inference.TOPK, k, topk);
            long keep = (long) Math.floor(k * ROWS);
            assertEquals(keep, nonzeros(topk), "k = " + k);
            float smallestKept = Float.POSITIVE_INFINITY;
            float largestDropped = 0;
            int[] perRow = new int[ROWS];
            for (int e = 0; e < dense.length; e++) {
                if (topk[e] != 0f) {
                    assertEquals(dense[e], topk[e], 0f, "a kept activation is unchanged");
                    smallestKept = Math.min(smallestKept, topk[e]);
                    perRow[e / WIDTH]++;
                } else {
                    largestDropped = Math.max(largestDropped, dense[e]);
                }
            }
            assertTrue(smallestKept > largestDropped, "kept " + smallestKept + " > dropped " + largestDropped);
            assertTrue(Arrays.stream(perRow).distinct().count() > 1, "over the batch, not per sample");
        }
    }

    @Test
    void thresholdModeKeepsExactlyTheActivationsAboveTheThreshold() {
        BatchTopKSae sae = sae();
        float[] x = inputs();
        float[] dense = relu(sae, x);
        float[] positives = new float[(int) nonzeros(dense)];
        int n = 0;
        for (float v : dense) {
            if (v > 0) {
                positives[n++] = v;
            }
        }
        Arrays.sort(positives);
        // a threshold equal to an activation (which must be cut) and one between two of them
        double[] thresholds = {positives[positives.length / 2], 0.5 * (positives[10] + positives[11])};
        for (double threshold : thresholds) {
            sae.setThreshold(threshold);
            assertEquals(threshold, sae.threshold(), 0);
            float[] cut = new float[ROWS * WIDTH];
            sae.infer(x, ROWS, Inference.THRESHOLD, 1, cut);
            long above = 0;
            for (int e = 0; e < dense.length; e++) {
                float expected = dense[e] > threshold ? dense[e] : 0f;
                assertEquals(expected, cut[e], 0f, "entry " + e + " at threshold " + threshold);
                above += expected != 0f ? 1 : 0;
            }
            assertTrue(above > 0 && above < nonzeros(dense), "the threshold cuts some but not all: " + above);
        }
        sae.setThreshold(positives[positives.length - 1]);
        float[] none = new float[ROWS * WIDTH];
        sae.infer(x, ROWS, Inference.THRESHOLD, 1, none);
        assertEquals(0, nonzeros(none), "nothing exceeds the largest activation");
    }

    @Test
    void afterStepMovesTheThresholdOnePercentTowardsTheSmallestPositiveKeptValue() {
        BatchTopKSae sae = sae();
        TrainingState state = new TrainingState(3, INPUT_DIM, WIDTH, 1);
        state.main.add(0, 1, 0.5f);
        state.main.add(0, 4, 0f);
        state.main.add(1, 2, 0.25f);
        state.main.add(2, 0, 0.75f);
        sae.setThreshold(1.0);
        sae.afterStep(state);
        assertEquals(0.99 * 1.0 + 0.01 * 0.25, sae.threshold(), 1e-12, "zero entries are not positive");
        double previous = sae.threshold();
        state.main.clear();
        state.main.add(1, 3, 2f);
        sae.afterStep(state);
        assertEquals(0.99 * previous + 0.01 * 2.0, sae.threshold(), 1e-12);
    }

    @Test
    void afterStepWithoutPositiveKeptValuesLeavesTheThresholdAlone() {
        BatchTopKSae sae = sae();
        TrainingState state = new TrainingState(2, INPUT_DIM, WIDTH, 1);
        sae.setThreshold(0.3);
        sae.afterStep(state);
        assertEquals(0.3, sae.threshold(), 0, "empty code");
        state.main.add(0, 0, 0f);
        sae.afterStep(state);
        assertEquals(0.3, sae.threshold(), 0, "only a zero entry");
    }

    @Test
    void theThresholdStartsAtZeroAndLearnsFromTrainingSteps() {
        BatchTopKSae sae = new BatchTopKSae(INPUT_DIM, new BatchTopKConfig(WIDTH, 2));
        sae.setThreshold(5);
        sae.initialiseRandom(1);
        assertEquals(0, sae.threshold(), 0, "a fresh initialisation resets the threshold");
        TrainingState state = BatchTopKFixtures.gaussianState(16, INPUT_DIM, WIDTH, 2, 23, 1);
        double expected = 0;
        for (int step = 0; step < 3; step++) {
            TrainingStep.forwardBackward(sae, List.of(BatchTopKFixtures.MSE), state);
            float min = Float.POSITIVE_INFINITY;
            for (int e = 0; e < state.main.count(); e++) {
                min = Math.min(min, state.main.values[e]);
            }
            assertTrue(min > 0 && state.main.count() == 32);
            expected = 0.99 * expected + 0.01 * min;
            sae.afterStep(state);
            assertEquals(expected, sae.threshold(), 1e-12, "step " + step);
        }
    }
}
