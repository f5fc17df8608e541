package org.saelab.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.ConfigException;
import org.saelab.api.GradientCheck;
import org.saelab.api.LinearSae;
import org.saelab.api.LossTerm;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;
import org.saelab.losses.multil0.MultiL0Config;
import org.saelab.losses.multil0.MultiL0Config.Level;
import org.saelab.losses.multil0.MultiL0Term;

/** The multi-L0 term: Σ_j w_j · MSE(k_j) on one encoding. */
class MultiL0TermTest {
    private static MultiL0Term multiL0(Level... levels) {
        return new MultiL0Term(new MultiL0Config(List.of(levels), null));
    }

    @Test
    void aSingleLevelAtTheTrainingKIsPlainMse() {
        TrainingState plain = TestSaes.state(0);
        double a = TrainingStep.forwardBackward(TestSaes.batchTopK(), List.of(new MseTerm(MseConfig.defaults())), plain);
        TrainingState multi = TestSaes.state(0);
        double b = TrainingStep.forwardBackward(TestSaes.batchTopK(), List.of(multiL0(new Level(TestSaes.TRAINING_K, 1))),
                multi);
        assertEquals(a, b, 0);
        assertArrayEquals(plain.grads, multi.grads, 0f);
    }

    @Test
    void aSingleLevelAtAnotherKIsMseAtThatK() {
        TrainingState plain = TestSaes.state(0);
        double a = TrainingStep.forwardBackward(TestSaes.batchTopK(), List.of(new MseTerm(new MseConfig(2, 2.0, null))),
                plain);
        TrainingState multi = TestSaes.state(0);
        double b = TrainingStep.forwardBackward(TestSaes.batchTopK(), List.of(multiL0(new Level(2, 2))), multi);
        assertEquals(a, b, 0);
        assertArrayEquals(plain.grads, multi.grads, 0f);
    }

    @Test
    void severalLevelsAreTheWeightedSumOfTheirMses() {
        TrainingState terms = TestSaes.state(0);
        double a = TrainingStep.forwardBackward(TestSaes.batchTopK(), List.of(new MseTerm(new MseConfig(1, 2.0, null)),
                new MseTerm(new MseConfig(10, 4.0, null))), terms);
        TrainingState multi = TestSaes.state(0);
        double b = TrainingStep.forwardBackward(TestSaes.batchTopK(), List.of(multiL0(new Level(2, 1), new Level(4, 10))),
                multi);
        assertEquals(a, b, 0);
        assertArrayEquals(terms.grads, multi.grads, 0f);
        TrainingState single = TestSaes.state(0);
        double c = TrainingStep.forwardBackward(TestSaes.batchTopK(), List.of(multiL0(new Level(2, 1))), single);
        assertTrue(c < b && !Arrays.equals(single.grads, multi.grads), "the second level adds loss and gradient");
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState state = TestSaes.state(0);
        // trained at the largest k (the main code), as the post's multi-L0 SAEs are
        state.k = 4;
        TrainingStep.forwardBackward(sae, List.of(), state);
        // skip coordinates whose perturbation changes the k = 2 selection, as GradientCheck does for the main code
        LossTerm sentinel = SelectionSentinel.of(state, SelectionSentinel.selectionsAt(sae, 2));
        GradientCheck.Result result = GradientCheck.run(sae, List.of(multiL0(new Level(2, 1), new Level(4, 5)), sentinel),
                state, 1e-3, Integer.MAX_VALUE, 0);
        int parameters = sae.parameters().data().length;
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
    }

    @Test
    void configNeedsAtLeastOneLevelAndValidatesEach() {
        ConfigException none = assertThrows(ConfigException.class, () -> new MultiL0Config(List.of(), null));
        assertTrue(none.getMessage().startsWith("loss.terms = []"), none.getMessage());
        ConfigException k = assertThrows(ConfigException.class, () -> new Level(0, 1));
        assertTrue(k.getMessage().startsWith("loss.terms.k = 0.0"), k.getMessage());
        ConfigException weight = assertThrows(ConfigException.class, () -> new Level(3, -1));
        assertTrue(weight.getMessage().startsWith("loss.terms.weight = -1.0"), weight.getMessage());
        assertEquals(6, MultiL0Config.defaults().largestK());
    }
}
