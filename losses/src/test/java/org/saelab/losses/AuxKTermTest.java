package org.saelab.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.saelab.losses.TestSaes.BATCH;
import static org.saelab.losses.TestSaes.INPUT_DIM;
import static org.saelab.losses.TestSaes.WIDTH;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saelab.api.GradientCheck;
import org.saelab.api.LinearSae;
import org.saelab.api.LossTerm;
import org.saelab.api.SaeParameters;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.losses.auxk.AuxKConfig;
import org.saelab.losses.auxk.AuxKTerm;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;

/**
 * The AuxK dead-latent term (SAELens): d_in = 12, so k_aux is capped at 6. Dead latents are the
 * last n_dead (stepsSinceFired 5000 > deadWindow 1000).
 *
 * <p>The residual x − x̂ is a constant of the term (no gradient through x̂). A finite difference of
 * [mse, auxk] through TrainingStep.forwardBackward recomputes x̂ at every perturbed point and so
 * differentiates through the residual too: that check fails at every h (worst relative error 0.45
 * with 3 dead latents, 0.74 with 8). The check below freezes the residual at its unperturbed value
 * and adds a {@link SelectionSentinel} for the aux selection, which GradientCheck does not see
 * (without it, h ≥ 1e-3 fails at 2e-2 with 8 dead latents). h = 1e-3: over 10 seeds the worst
 * error was 6.5e-3 with at least 208 of 262 coordinates checked.
 */
class AuxKTermTest {
    private static final double H = 1e-3;
    private static final MseTerm MSE = new MseTerm(MseConfig.defaults());

    private static AuxKTerm auxK() {
        return new AuxKTerm(AuxKConfig.defaults());
    }

    /** The aux term reading the residual of the unperturbed parameters, as the analytic gradient assumes. */
    private static LossTerm withFrozenResidual(LinearSae sae, TrainingState state, LossTerm aux) {
        TrainingStep.forwardBackward(sae, List.of(), state);
        float[] frozen = state.reconstruction.clone();
        return (s, model) -> {
            System.arraycopy(frozen, 0, s.reconstruction, 0, frozen.length);
            return aux.apply(s, model);
        };
    }

    @ParameterizedTest(name = "{0} dead")
    @ValueSource(ints = {3, 8})
    void gradientOfMsePlusAuxKMatchesFiniteDifferences(int dead) {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState state = TestSaes.state(dead);
        LossTerm aux = withFrozenResidual(sae, state, auxK());
        LossTerm sentinel = SelectionSentinel.of(state, SelectionSentinel.largestAmong(WIDTH - dead, Math.min(INPUT_DIM / 2, dead)));
        int parameters = sae.parameters().data().length;
        GradientCheck.Result result = GradientCheck.run(sae, List.of(MSE, aux, sentinel), state, H, Integer.MAX_VALUE, 0);
        assertEquals(parameters, result.checked() + result.skipped());
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
    }

    /** The check above must be able to fail: an aux gradient 20 % too large (value unchanged). */
    @ParameterizedTest(name = "{0} dead")
    @ValueSource(ints = {3, 8})
    void aWrongAuxGradientIsCaught(int dead) {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState state = TestSaes.state(dead);
        AuxKTerm extra = new AuxKTerm(new AuxKConfig(0.2, 1000));
        LossTerm aux = withFrozenResidual(sae, state, auxK());
        LossTerm extraGradientOnly = withFrozenResidual(sae, state, (s, model) -> {
            extra.apply(s, model);
            return 0;
        });
        LossTerm sentinel = SelectionSentinel.of(state, SelectionSentinel.largestAmong(WIDTH - dead, Math.min(INPUT_DIM / 2, dead)));
        GradientCheck.Result result = GradientCheck.run(sae, List.of(MSE, aux, extraGradientOnly, sentinel), state, H,
                Integer.MAX_VALUE, 0);
        assertTrue(result.worstRelativeError() > 0.05, "the check must notice: " + result);
    }

    @ParameterizedTest(name = "{0} dead")
    @ValueSource(ints = {3, 8})
    void theAuxGradientReachesOnlyDeadLatentsAndTheDecoderBias(int dead) {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState mseOnly = TestSaes.state(dead);
        TrainingStep.forwardBackward(sae, List.of(MSE), mseOnly);
        TrainingState both = TestSaes.state(dead);
        TrainingStep.forwardBackward(sae, List.of(MSE, auxK()), both);
        SaeParameters layout = sae.parameters();
        int changedDead = 0;
        for (int j = 0; j < WIDTH; j++) {
            boolean isDead = j >= WIDTH - dead;
            boolean changed = mseOnly.grads[layout.bEncOffset() + j] != both.grads[layout.bEncOffset() + j];
            for (int i = 0; i < INPUT_DIM; i++) {
                changed |= mseOnly.grads[layout.wEncOffset() + i * WIDTH + j] != both.grads[layout.wEncOffset() + i * WIDTH + j];
                changed |= mseOnly.grads[layout.wDecOffset() + j * INPUT_DIM + i] != both.grads[layout.wDecOffset() + j * INPUT_DIM + i];
            }
            if (!isDead) {
                // a gradient through the residual x − x̂ would reach the live latents
                assertTrue(!changed, "live latent " + j + " received aux gradient");
            } else if (changed) {
                changedDead++;
            }
        }
        assertEquals(dead, changedDead, "every dead latent learns");
        boolean decoderBiasChanged = false;
        for (int i = 0; i < INPUT_DIM; i++) {
            decoderBiasChanged |= mseOnly.grads[layout.bDecOffset() + i] != both.grads[layout.bDecOffset() + i];
        }
        assertTrue(decoderBiasChanged, "the aux reconstruction includes b_dec");
    }

    /** The brief's shortcut: not freezing the residual differentiates through it, and must disagree. */
    @Test
    void theResidualIsAConstantSoTheUnfrozenFiniteDifferenceDisagrees() {
        GradientCheck.Result result = GradientCheck.run(TestSaes.batchTopK(), List.of(MSE, auxK()), TestSaes.state(3), H,
                Integer.MAX_VALUE, 0);
        assertTrue(result.worstRelativeError() > 0.1, "a gradient through x̂ would make this agree: " + result);
    }

    /**
     * The expected term in double: per sample the kAux largest scaled pre-activations among the
     * dead latents (any sign), decoded with b_dec, against the residual x − x̂.
     */
    private static double expectedAuxK(LinearSae sae, TrainingState s, int dead, int[] negativesKept) {
        int half = INPUT_DIM / 2;
        int kAux = Math.min(half, dead);
        double scale = Math.min((double) dead / half, 1.0);
        double[] activations = new double[BATCH * WIDTH];
        for (int b = 0; b < BATCH; b++) {
            int row = b;
            int[] chosen = IntStream.range(WIDTH - dead, WIDTH).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -s.pre[row * WIDTH + j]))
                    .limit(kAux)
                    .mapToInt(Integer::intValue)
                    .toArray();
            for (int j : chosen) {
                activations[b * WIDTH + j] = s.pre[b * WIDTH + j];
                negativesKept[0] += s.pre[b * WIDTH + j] < 0 ? 1 : 0;
            }
        }
        double[] reconstruction = TestSaes.referenceDecode(sae, activations, BATCH, WIDTH);
        double[] residual = new double[BATCH * INPUT_DIM];
        for (int e = 0; e < residual.length; e++) {
            residual[e] = (double) s.batch.inputs[e] - s.reconstruction[e];
        }
        return scale * TestSaes.meanSquaredError(reconstruction, residual, BATCH);
    }

    @Test
    void threeDeadLatentsGiveKAux3AndScaleOneHalf() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState s = TestSaes.state(3);
        TrainingStep.forwardBackward(sae, List.of(MSE), s);
        double value = auxK().apply(s, sae);
        double expected = expectedAuxK(sae, s, 3, new int[1]);
        assertTrue(expected > 0);
        assertEquals(expected, value, 1e-5 * expected);
    }

    @Test
    void moreDeadLatentsThanHalfTheInputDimGiveKAuxSixAndScaleOne() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState s = TestSaes.state(8);
        TrainingStep.forwardBackward(sae, List.of(MSE), s);
        double value = auxK().apply(s, sae);
        int[] negatives = new int[1];
        double expected = expectedAuxK(sae, s, 8, negatives);
        assertTrue(negatives[0] > 0, "the top 6 of 8 dead latents include negative pre-activations");
        assertEquals(expected, value, 1e-5 * expected);
    }

    /** Which entries the term uses, read from dLoss/dpre of the aux term alone. */
    @Test
    void eachSampleUsesItsKAuxLargestDeadPreActivationsEvenNegativeOnes() {
        int dead = 8;
        LinearSae sae = TestSaes.batchTopK();
        TrainingState s = TestSaes.state(dead);
        LossTerm aux = withFrozenResidual(sae, s, auxK());
        TrainingStep.forwardBackward(sae, List.of(aux), s);
        int negatives = 0;
        for (int b = 0; b < BATCH; b++) {
            int row = b;
            int[] expected = IntStream.range(WIDTH - dead, WIDTH).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -s.pre[row * WIDTH + j]))
                    .limit(INPUT_DIM / 2)
                    .mapToInt(Integer::intValue)
                    .sorted()
                    .toArray();
            int[] used = IntStream.range(0, WIDTH).filter(j -> s.gradPre[row * WIDTH + j] != 0f).toArray();
            assertArrayEquals(expected, used, "sample " + b);
            for (int j : used) {
                negatives += s.pre[row * WIDTH + j] < 0 ? 1 : 0;
            }
        }
        assertTrue(negatives > 0, "negative pre-activations are kept");
    }

    @Test
    void noDeadLatentsMeansNoTermAndNoGradient() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState s = TestSaes.state(0);
        TrainingStep.forwardBackward(sae, List.of(MSE), s);
        float[] grads = s.grads.clone();
        float[] gradPre = s.gradPre.clone();
        float[] gradNorms = s.gradNorms.clone();
        assertEquals(0, auxK().apply(s, sae));
        assertArrayEquals(grads, s.grads, 0f);
        assertArrayEquals(gradPre, s.gradPre, 0f);
        assertArrayEquals(gradNorms, s.gradNorms, 0f);
    }

    @Test
    void aLatentIsDeadOnlyAfterMoreThanTheWindow() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState s = TestSaes.state(0);
        Arrays.fill(s.stepsSinceFired, 10);
        TrainingStep.forwardBackward(sae, List.of(MSE), s);
        AuxKTerm aux = new AuxKTerm(new AuxKConfig(1, 10));
        assertEquals(0, aux.apply(s, sae), "10 steps is not more than a window of 10");
        for (int j = WIDTH - 3; j < WIDTH; j++) {
            s.stepsSinceFired[j] = 11;
        }
        double value = aux.apply(s, sae);
        double expected = expectedAuxK(sae, s, 3, new int[1]);
        assertEquals(expected, value, 1e-5 * expected, "three latents past the window");
    }

    @Test
    void theCoefficientScalesTheTerm() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState s = TestSaes.state(3);
        TrainingStep.forwardBackward(sae, List.of(MSE), s);
        double full = auxK().apply(s, sae);
        double quarter = new AuxKTerm(new AuxKConfig(0.25, 1000)).apply(s, sae);
        assertTrue(full > 0);
        assertEquals(full / 4, quarter, 1e-9 * full);
        assertEquals(0, new AuxKTerm(new AuxKConfig(0, 1000)).apply(s, sae));
    }
}
