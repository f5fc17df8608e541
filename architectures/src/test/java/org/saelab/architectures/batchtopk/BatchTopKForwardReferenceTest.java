package org.saelab.architectures.batchtopk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saelab.api.Inference;
import org.saelab.api.SaeParameters;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;

/** The float32 encode and decode against the spec's formulas evaluated in double. */
class BatchTopKForwardReferenceTest {
    private static final int INPUT_DIM = 12;
    // 13 latents and 9 rows: not multiples of the 4-wide unrolled loops
    private static final int WIDTH = 13;
    private static final int BATCH = 9;
    private static final double K = 2.5;
    private static final double TOLERANCE = 1e-5;

    private static BatchTopKSae sae() {
        return BatchTopKFixtures.perturbedSae(INPUT_DIM, WIDTH, K, 31, 1);
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, TOLERANCE * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void encodeMatchesTheDoublePrecisionDefinition() {
        BatchTopKSae sae = sae();
        TrainingState state = BatchTopKFixtures.gaussianState(BATCH, INPUT_DIM, WIDTH, K, 32, 1);
        sae.encode(state);
        double[] pre = BatchTopKFixtures.referencePre(sae, state.batch.inputs, BATCH);
        double[] norms = BatchTopKFixtures.decoderNorms(sae);
        SaeParameters layout = sae.parameters();
        for (int j = 0; j < WIDTH; j++) {
            assertClose(norms[j], state.norms[j], "‖W_dec[" + j + "]‖");
        }
        for (int b = 0; b < BATCH; b++) {
            for (int i = 0; i < INPUT_DIM; i++) {
                assertClose(state.batch.inputs[b * INPUT_DIM + i] - (double) layout.data()[layout.bDecOffset() + i],
                        state.centered[b * INPUT_DIM + i], "centered");
            }
            for (int j = 0; j < WIDTH; j++) {
                int e = b * WIDTH + j;
                assertClose(pre[e], state.pre[e], "pre[" + b + "][" + j + "]");
                assertClose(pre[e] / norms[j], state.preRaw[e], "preRaw[" + b + "][" + j + "]");
            }
        }
    }

    @Test
    void trainingReconstructionMatchesTheDoublePrecisionDefinition() {
        BatchTopKSae sae = sae();
        TrainingState state = BatchTopKFixtures.gaussianState(BATCH, INPUT_DIM, WIDTH, K, 33, 1);
        TrainingStep.forwardBackward(sae, List.of(), state);
        assertEquals((long) Math.floor(K * BATCH), state.main.count());
        double[] activations = new double[BATCH * WIDTH];
        for (int e = 0; e < state.main.count(); e++) {
            activations[state.main.rows[e] * WIDTH + state.main.latents[e]] = state.main.values[e];
        }
        double[] expected = BatchTopKFixtures.referenceDecode(sae, activations, BATCH);
        for (int e = 0; e < expected.length; e++) {
            assertClose(expected[e], state.reconstruction[e], "x̂ entry " + e);
        }
    }

    @Test
    void decodeOnlyUsesLatentsBelowTheLimit() {
        BatchTopKSae sae = sae();
        TrainingState state = BatchTopKFixtures.gaussianState(BATCH, INPUT_DIM, WIDTH, K, 34, 1);
        TrainingStep.forwardBackward(sae, List.of(), state);
        int limit = 5;
        double[] activations = new double[BATCH * WIDTH];
        int used = 0;
        for (int e = 0; e < state.main.count(); e++) {
            if (state.main.latents[e] < limit) {
                activations[state.main.rows[e] * WIDTH + state.main.latents[e]] = state.main.values[e];
                used++;
            }
        }
        assertTrue(used > 0 && used < state.main.count(), "the prefix drops some kept latents: " + used);
        float[] out = new float[BATCH * INPUT_DIM];
        sae.decode(state, state.main, limit, out);
        double[] expected = BatchTopKFixtures.referenceDecode(sae, activations, BATCH);
        for (int e = 0; e < expected.length; e++) {
            assertClose(expected[e], out[e], "prefix x̂ entry " + e);
        }
    }

    @Test
    void inferenceActivationsAndDecodeMatchTheDoublePrecisionDefinition() {
        BatchTopKSae sae = sae();
        int rows = 40;
        SplittableRandom random = new SplittableRandom(35);
        float[] x = new float[rows * INPUT_DIM];
        for (int e = 0; e < x.length; e++) {
            x[e] = (float) random.nextGaussian();
        }
        sae.setThreshold(0);
        float[] activations = new float[rows * WIDTH];
        sae.infer(x, rows, Inference.THRESHOLD, K, activations);
        double[] pre = BatchTopKFixtures.referencePre(sae, x, rows);
        double[] relu = new double[pre.length];
        int positives = 0;
        for (int e = 0; e < pre.length; e++) {
            relu[e] = Math.max(pre[e], 0);
            // entries within float noise of zero may land on either side of the relu
            if (Math.abs(pre[e]) > 1e-6) {
                assertClose(relu[e], activations[e], "relu(pre) entry " + e);
            }
            positives += pre[e] > 0 ? 1 : 0;
        }
        assertTrue(positives > 0 && positives < pre.length, "the relu cuts some: " + positives);
        float[] out = new float[rows * INPUT_DIM];
        sae.decodeActivations(activations, rows, out);
        double[] expected = BatchTopKFixtures.referenceDecode(sae, relu, rows);
        for (int e = 0; e < expected.length; e++) {
            assertClose(expected[e], out[e], "decodeActivations entry " + e);
        }
    }
}
