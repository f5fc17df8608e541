package org.saelab.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.saelab.losses.TestSaes.BATCH;
import static org.saelab.losses.TestSaes.WIDTH;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.saelab.api.GradientCheck;
import org.saelab.api.LinearSae;
import org.saelab.api.LossTerm;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;

/**
 * Matryoshka prefixes × multi-L0 with no code of their own: one {@code mse} term per (k, prefix)
 * pair, each with its {@code k}, {@code latents} and weight. The total must be the weighted sum
 * of the terms computed one at a time, each equal to its definition in double, and the combined
 * gradient must pass the finite-difference check.
 */
class MatryoshkaMultiL0CompositionTest {
    private static final double[] KS = {2, 4};
    private static final double[] K_WEIGHTS = {1, 0.5};
    private static final int[] PREFIXES = {3, 6, WIDTH};

    private static List<LossTerm> everyPair() {
        List<LossTerm> terms = new ArrayList<>();
        for (int i = 0; i < KS.length; i++) {
            for (int prefix : PREFIXES) {
                terms.add(new MseTerm(new MseConfig(K_WEIGHTS[i], KS[i], prefix)));
            }
        }
        return terms;
    }

    /** The ⌊k·B⌋ largest positive entries of state.pre, as dense activations. */
    private static double[] topOfBatch(TrainingState s, long keep) {
        double[] dense = new double[BATCH * WIDTH];
        IntStream.range(0, dense.length).boxed()
                .filter(e -> s.pre[e] > 0)
                .sorted(Comparator.comparingDouble((Integer e) -> -s.pre[e]))
                .limit(keep)
                .forEach(e -> dense[e] = s.pre[e]);
        return dense;
    }

    @Test
    void theLossIsTheSumOfTheTermsComputedOneAtATimeAndOfTheirDefinitions() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState together = TestSaes.state(0);
        List<LossTerm> terms = everyPair();
        double total = TrainingStep.forwardBackward(sae, terms, together);
        double sumOfSeparate = 0;
        double sumOfDefinitions = 0;
        float[] summedGradients = new float[together.grads.length];
        List<Double> values = new ArrayList<>();
        int t = 0;
        for (int i = 0; i < KS.length; i++) {
            for (int prefix : PREFIXES) {
                TrainingState alone = TestSaes.state(0);
                double value = TrainingStep.forwardBackward(sae, List.of(terms.get(t++)), alone);
                sumOfSeparate += value;
                values.add(value);
                for (int g = 0; g < summedGradients.length; g++) {
                    summedGradients[g] += alone.grads[g];
                }
                double[] activations = topOfBatch(alone, (long) Math.floor(KS[i] * BATCH));
                double definition = K_WEIGHTS[i] * TestSaes.meanSquaredError(
                        TestSaes.referenceDecode(sae, activations, BATCH, prefix), TestSaes.toDouble(alone.batch.inputs), BATCH);
                assertEquals(definition, value, 1e-5 * definition, "k " + KS[i] + ", prefix " + prefix);
                sumOfDefinitions += definition;
            }
        }
        assertEquals(values.size(), values.stream().distinct().count(), "every pair is a different loss: " + values);
        assertEquals(sumOfSeparate, total, 1e-9 * total);
        assertEquals(sumOfDefinitions, total, 1e-5 * total);
        for (int g = 0; g < summedGradients.length; g++) {
            assertEquals(summedGradients[g], together.grads[g], 1e-5 * Math.max(1e-3, Math.abs(summedGradients[g])), "gradient " + g);
        }
    }

    /**
     * h = 1e-3 as in the other loss checks; a {@link SelectionSentinel} for the codes at both k,
     * since a change in a term's own selection is a kink GradientCheck might not see.
     */
    @Test
    void theCombinedGradientMatchesFiniteDifferences() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState state = TestSaes.state(0);
        List<LossTerm> terms = new ArrayList<>(everyPair());
        TrainingStep.forwardBackward(sae, List.of(), state);
        terms.add(SelectionSentinel.of(state, SelectionSentinel.selectionsAt(sae, KS)));
        int parameters = sae.parameters().data().length;
        GradientCheck.Result result = GradientCheck.run(sae, terms, state, 1e-3, Integer.MAX_VALUE, 0);
        assertEquals(parameters, result.checked() + result.skipped());
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
    }
}
