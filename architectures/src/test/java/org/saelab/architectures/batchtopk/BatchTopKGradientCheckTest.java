package org.saelab.architectures.batchtopk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.saelab.architectures.batchtopk.BatchTopKFixtures.MSE;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saelab.api.GradientCheck;
import org.saelab.api.LossTerm;
import org.saelab.api.SaeParameters;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;

/**
 * BatchTopK's hand-written backward pass against central finite differences over every
 * parameter, the decoder-norm path included.
 *
 * <p>h = 1e-3 on inputs of standard deviation 0.5: over seeds 1–10 at k 3 and 2.5 this checked
 * at least 176 of 212 coordinates with a worst relative error of 2.6e-3. Inputs of standard
 * deviation 1 push float32 noise to 1e-2 on small gradients at this h; h = 2e-3 or more skips
 * too many coordinates (selection changes), below 80 %.
 */
class BatchTopKGradientCheckTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 8;
    private static final int BATCH = 16;
    private static final double H = 1e-3;
    private static final double TOLERANCE = 1e-2;
    private static final double INPUT_SCALE = 0.5;

    private static BatchTopKSae sae(double k) {
        return BatchTopKFixtures.perturbedSae(INPUT_DIM, WIDTH, k, 4, INPUT_SCALE);
    }

    private static TrainingState state(double k) {
        return BatchTopKFixtures.gaussianState(BATCH, INPUT_DIM, WIDTH, k, 3, INPUT_SCALE);
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(doubles = {3, 2.5})
    void everyParameterMatchesFiniteDifferences(double k) {
        BatchTopKSae sae = sae(k);
        TrainingState state = state(k);
        double[] norms = BatchTopKFixtures.decoderNorms(sae);
        assertTrue(Arrays.stream(norms).anyMatch(n -> n > 0.3), "some decoder norms differ from 0.1: " + Arrays.toString(norms));
        int parameters = sae.parameters().data().length;
        GradientCheck.Result result = GradientCheck.run(sae, List.of(MSE), state, H, Integer.MAX_VALUE, 0);
        assertEquals(parameters, result.checked() + result.skipped(), "every coordinate considered");
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < TOLERANCE, "worst " + result);
        assertEquals((long) Math.floor(k * BATCH), state.main.count(), "the check ran at the training k");
    }

    /** The same check block by block, so a wrong W_dec (decoder-norm) gradient names its block. */
    @ParameterizedTest(name = "k = {0}")
    @ValueSource(doubles = {3, 2.5})
    void eachParameterBlockIsCheckedAndMatches(double k) {
        BatchTopKSae sae = sae(k);
        TrainingState state = state(k);
        SaeParameters layout = sae.parameters();
        int[][] blocks = {
            {layout.wEncOffset(), layout.bEncOffset()},
            {layout.bEncOffset(), layout.wDecOffset()},
            {layout.wDecOffset(), layout.bDecOffset()},
            {layout.bDecOffset(), layout.data().length},
        };
        String[] names = {"W_enc", "b_enc", "W_dec", "b_dec"};
        for (int block = 0; block < blocks.length; block++) {
            BlockResult r = checkBlock(sae, List.of(MSE), state, blocks[block][0], blocks[block][1]);
            int size = blocks[block][1] - blocks[block][0];
            // a b_enc step moves a whole column of pre, so biases see more selection changes
            assertTrue(r.checked >= size / 2, names[block] + ": checked " + r.checked + " of " + size);
            assertTrue(r.worst < TOLERANCE, names[block] + ": worst relative error " + r.worst + " at " + r.worstIndex);
        }
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(doubles = {3, 2.5})
    void aWrongBiasGradientIsCaught(double k) {
        LossTerm wrong = (s, model) -> {
            double value = MSE.apply(s, model);
            s.grads[model.parameters().bDecOffset()] += 0.05f;
            return value;
        };
        GradientCheck.Result result = GradientCheck.run(sae(k), List.of(wrong), state(k), H, Integer.MAX_VALUE, 0);
        assertTrue(result.worstRelativeError() > 0.1, "the check must notice a wrong gradient: " + result);
    }

    /**
     * Dropping the decode's dLoss/d‖W_dec[j]‖ leaves only the encoder's share of the decoder-norm
     * gradient; the check must see it (it is what the norm path contributes).
     */
    @ParameterizedTest(name = "k = {0}")
    @ValueSource(doubles = {3, 2.5})
    void aMissingDecoderNormGradientIsCaught(double k) {
        LossTerm withoutNormGradient = (s, model) -> {
            double value = MSE.apply(s, model);
            Arrays.fill(s.gradNorms, 0f);
            return value;
        };
        BatchTopKSae sae = sae(k);
        TrainingState state = state(k);
        SaeParameters layout = sae.parameters();
        BlockResult decoder = checkBlock(sae, List.of(withoutNormGradient), state, layout.wDecOffset(), layout.bDecOffset());
        assertTrue(decoder.worst > 0.1, "worst W_dec error without the norm gradient: " + decoder.worst);
    }

    private record BlockResult(int checked, double worst, int worstIndex) {}

    /**
     * Central differences over [from, to) with GradientCheck's error measure (relative to
     * max(|numeric| + |analytic|, 1e-2)); coordinates whose perturbation changes the main
     * selection are not differentiable there and are skipped.
     */
    private static BlockResult checkBlock(BatchTopKSae sae, List<LossTerm> terms, TrainingState state, int from, int to) {
        float[] p = sae.parameters().data();
        TrainingStep.forwardBackward(sae, terms, state);
        float[] analytic = state.grads.clone();
        SparseCode reference = copy(state.main);
        int checked = 0;
        double worst = 0;
        int worstIndex = -1;
        for (int index = from; index < to; index++) {
            float original = p[index];
            p[index] = (float) (original + H);
            double plus = TrainingStep.forwardBackward(sae, terms, state);
            boolean samePlus = sameSelection(reference, state.main);
            p[index] = (float) (original - H);
            double minus = TrainingStep.forwardBackward(sae, terms, state);
            boolean sameMinus = sameSelection(reference, state.main);
            double step = (double) (float) (original + H) - (double) (float) (original - H);
            p[index] = original;
            if (!samePlus || !sameMinus) {
                continue;
            }
            double numeric = (plus - minus) / step;
            double error = Math.abs(numeric - analytic[index]) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic[index]));
            checked++;
            if (error > worst) {
                worst = error;
                worstIndex = index;
            }
        }
        TrainingStep.forwardBackward(sae, terms, state);
        return new BlockResult(checked, worst, worstIndex);
    }

    private static SparseCode copy(SparseCode code) {
        SparseCode out = new SparseCode(code.capacity());
        for (int e = 0; e < code.count(); e++) {
            out.add(code.rows[e], code.latents[e], code.values[e]);
        }
        return out;
    }

    private static boolean sameSelection(SparseCode a, SparseCode b) {
        if (a.count() != b.count()) {
            return false;
        }
        for (int e = 0; e < a.count(); e++) {
            if (a.rows[e] != b.rows[e] || a.latents[e] != b.latents[e]) {
                return false;
            }
        }
        return true;
    }
}
