package org.saelab.architectures.matryoshka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saelab.api.GradientCheck;
import org.saelab.api.LossTerm;
import org.saelab.api.SaeParameters;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.ArchitectureFixtures;

/**
 * The Matryoshka loss (one prefix reconstruction per width, all from the same code) against
 * central finite differences over every parameter.
 */
class MatryoshkaBatchTopKGradientCheckTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 8;
    private static final int BATCH = 16;
    private static final double H = 1e-3;
    private static final double INPUT_SCALE = 0.5;
    private static final List<Integer> PREFIXES = List.of(2, 5, 8);

    private static MatryoshkaBatchTopKSae sae(double k) {
        return ArchitectureFixtures.perturbed(new MatryoshkaBatchTopKSae(INPUT_DIM, new MatryoshkaBatchTopKConfig(WIDTH, k, PREFIXES)),
                4, INPUT_SCALE);
    }

    private static TrainingState state(double k) {
        return ArchitectureFixtures.gaussianState(BATCH, INPUT_DIM, WIDTH, k, 3, INPUT_SCALE);
    }

    private static List<LossTerm> prefixTerms() {
        return PREFIXES.stream().map(ArchitectureFixtures::mse).toList();
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(doubles = {3, 2.5})
    void everyParameterMatchesFiniteDifferences(double k) {
        MatryoshkaBatchTopKSae sae = sae(k);
        TrainingState state = state(k);
        int parameters = sae.parameters().data().length;
        GradientCheck.Result result = GradientCheck.run(sae, prefixTerms(), state, H, Integer.MAX_VALUE, 0);
        assertEquals(parameters, result.checked() + result.skipped());
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
    }

    /** The inner prefixes change the gradient: a latent outside the first prefix gets none from its term. */
    @Test
    void theFirstPrefixTermSendsNoGradientToLaterLatents() {
        MatryoshkaBatchTopKSae sae = sae(3);
        TrainingState state = state(3);
        TrainingStep.forwardBackward(sae, List.of(ArchitectureFixtures.mse(PREFIXES.get(0))), state);
        SaeParameters layout = sae.parameters();
        int firstWidth = PREFIXES.get(0);
        boolean innerGradient = false;
        for (int j = 0; j < WIDTH; j++) {
            for (int i = 0; i < INPUT_DIM; i++) {
                float g = state.grads[layout.wDecOffset() + j * INPUT_DIM + i];
                if (j >= firstWidth) {
                    assertEquals(0f, g, 0f, "W_dec row " + j + " is outside the prefix");
                } else {
                    innerGradient |= g != 0f;
                }
            }
            if (j >= firstWidth) {
                assertEquals(0f, state.grads[layout.bEncOffset() + j], 0f, "b_enc " + j);
            }
        }
        assertTrue(innerGradient, "the prefix latents learn");
    }

    @Test
    void aWrongGradientInOnePrefixTermIsCaught() {
        LossTerm inner = ArchitectureFixtures.mse(PREFIXES.get(1));
        LossTerm wrong = (s, model) -> {
            double value = inner.apply(s, model);
            for (int i = 0; i < INPUT_DIM; i++) {
                s.grads[model.parameters().bDecOffset() + i] *= 1.2f;
            }
            return value;
        };
        GradientCheck.Result result = GradientCheck.run(sae(3), List.of(ArchitectureFixtures.mse(PREFIXES.get(0)), wrong,
                ArchitectureFixtures.mse(WIDTH)), state(3), H, Integer.MAX_VALUE, 0);
        assertTrue(result.worstRelativeError() > 0.05, "the check must notice: " + result);
    }
}
