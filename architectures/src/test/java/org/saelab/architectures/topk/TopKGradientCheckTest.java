package org.saelab.architectures.topk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saelab.api.GradientCheck;
import org.saelab.api.LossTerm;
import org.saelab.api.TrainingState;
import org.saelab.architectures.ArchitectureFixtures;

/**
 * TopK's backward pass (the shared linear SAE's, over a per-sample code) against central finite
 * differences over every parameter. Same h, input scale and tolerance as the BatchTopK check.
 */
class TopKGradientCheckTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 8;
    private static final int BATCH = 16;
    private static final double H = 1e-3;
    private static final double INPUT_SCALE = 0.5;

    private static TopKSae sae(int k) {
        return ArchitectureFixtures.perturbed(new TopKSae(INPUT_DIM, new TopKConfig(WIDTH, k)), 4, INPUT_SCALE);
    }

    private static TrainingState state(int k) {
        return ArchitectureFixtures.gaussianState(BATCH, INPUT_DIM, WIDTH, k, 3, INPUT_SCALE);
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(ints = {2, 3})
    void everyParameterMatchesFiniteDifferences(int k) {
        TopKSae sae = sae(k);
        TrainingState state = state(k);
        int parameters = sae.parameters().data().length;
        GradientCheck.Result result = GradientCheck.run(sae, List.of(ArchitectureFixtures.mse(WIDTH)), state, H,
                Integer.MAX_VALUE, 0);
        assertEquals(parameters, result.checked() + result.skipped());
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
        assertEquals(k * BATCH, state.main.count(), "k per sample at the training k");
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(ints = {2, 3})
    void aWrongDecoderBiasGradientIsCaught(int k) {
        LossTerm mse = ArchitectureFixtures.mse(WIDTH);
        LossTerm wrong = (s, model) -> {
            double value = mse.apply(s, model);
            // every b_dec coordinate, so the error shows whichever coordinates the check can use
            for (int i = 0; i < INPUT_DIM; i++) {
                s.grads[model.parameters().bDecOffset() + i] += 0.05f;
            }
            return value;
        };
        GradientCheck.Result result = GradientCheck.run(sae(k), List.of(wrong), state(k), H, Integer.MAX_VALUE, 0);
        assertTrue(result.worstRelativeError() > 0.1, "the check must notice a wrong gradient: " + result);
    }
}
