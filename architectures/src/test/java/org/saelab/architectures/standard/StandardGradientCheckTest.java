package org.saelab.architectures.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saelab.api.GradientCheck;
import org.saelab.api.LossTerm;
import org.saelab.api.SaeParameters;
import org.saelab.api.TrainingState;
import org.saelab.architectures.ArchitectureFixtures;

/**
 * The ReLU SAE with MSE + λ·L1 against central finite differences over every parameter. The L1
 * penalty of the scaled activations depends on the decoder norms, so W_dec's gradient includes
 * the penalty's norm path.
 */
class StandardGradientCheckTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 8;
    private static final int BATCH = 16;
    private static final double H = 1e-3;
    private static final double INPUT_SCALE = 0.5;

    private static StandardSae sae() {
        return ArchitectureFixtures.perturbed(new StandardSae(INPUT_DIM, new StandardConfig(WIDTH)), 4, INPUT_SCALE);
    }

    private static TrainingState state() {
        return ArchitectureFixtures.gaussianState(BATCH, INPUT_DIM, WIDTH, Double.NaN, 3, INPUT_SCALE);
    }

    @ParameterizedTest(name = "λ = {0}")
    @ValueSource(doubles = {0, 0.1, 1})
    void everyParameterMatchesFiniteDifferences(double coefficient) {
        StandardSae sae = sae();
        TrainingState state = state();
        int parameters = sae.parameters().data().length;
        GradientCheck.Result result = GradientCheck.run(sae, List.of(ArchitectureFixtures.mse(WIDTH),
                ArchitectureFixtures.l1(coefficient)), state, H, Integer.MAX_VALUE, 0);
        assertEquals(parameters, result.checked() + result.skipped());
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
        long positives = java.util.stream.IntStream.range(0, state.pre.length).filter(e -> state.pre[e] > 0).count();
        assertEquals(positives, state.main.count(), "every positive entry is active");
    }

    /** Treating the decoder norms as constants in the penalty gives a W_dec gradient the check rejects. */
    @ParameterizedTest(name = "λ = {0}")
    @ValueSource(doubles = {0.1, 1})
    void aPenaltyWithoutTheDecoderNormGradientIsCaught(double coefficient) {
        LossTerm l1 = ArchitectureFixtures.l1(coefficient);
        LossTerm withoutNormPath = (s, model) -> {
            float[] before = s.gradPre.clone();
            double value = l1.apply(s, model);
            // the penalty's share of dLoss/d‖W_dec[j]‖ is Σ_b gradPre · preRaw; subtract it again
            for (int e = 0; e < before.length; e++) {
                s.gradNorms[e % s.width] -= (s.gradPre[e] - before[e]) * s.preRaw[e];
            }
            return value;
        };
        StandardSae sae = sae();
        SaeParameters layout = sae.parameters();
        GradientCheck.Result decoder = GradientCheck.range(sae, List.of(ArchitectureFixtures.mse(WIDTH), withoutNormPath), state(), H,
                layout.wDecOffset(), layout.bDecOffset());
        assertTrue(decoder.worstRelativeError() > 0.05, "W_dec without the penalty's norm gradient: " + decoder);
    }
}
