package org.saelab.architectures.batchtopk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saelab.api.GradientCheck;
import org.saelab.api.LossTerm;
import org.saelab.api.TrainingState;

/** BatchTopK's hand-written backward pass against finite differences, decoder-norm path included. */
class BatchTopKGradientCheckTest {
    /** Plain MSE written here (the losses module is not visible to this one). */
    private static final LossTerm MSE = (s, sae) -> {
        double sum = 0;
        int n = s.batchSize * s.inputDim;
        for (int e = 0; e < n; e++) {
            float diff = s.reconstruction[e] - s.batch.inputs[e];
            sum += (double) diff * diff;
            s.gradReconstruction[e] = 2f * diff / s.batchSize;
        }
        sae.backwardDecode(s, s.main, sae.width(), s.gradReconstruction);
        return sum / s.batchSize;
    };

    private static BatchTopKSae sae(int inputDim, int width, double k) {
        BatchTopKSae sae = new BatchTopKSae(inputDim, new BatchTopKConfig(width, k));
        sae.initialiseRandom(1);
        float[] p = sae.parameters().data();
        SplittableRandom random = new SplittableRandom(2);
        // nonzero biases and decoder rows of different norms, so every path carries gradient
        for (int j = 0; j < width; j++) {
            p[sae.parameters().bEncOffset() + j] = (float) (0.05 * random.nextGaussian());
            float scale = (float) (5 + 10 * random.nextDouble());
            for (int i = 0; i < inputDim; i++) {
                p[sae.parameters().wDecOffset() + j * inputDim + i] *= scale;
            }
        }
        for (int i = 0; i < inputDim; i++) {
            p[sae.parameters().bDecOffset() + i] = (float) (0.1 * random.nextGaussian());
        }
        return sae;
    }

    private static TrainingState state(int batch, int inputDim, int width, double k) {
        TrainingState state = new TrainingState(batch, inputDim, width, 1);
        SplittableRandom random = new SplittableRandom(3);
        for (int e = 0; e < state.batch.inputs.length; e++) {
            state.batch.inputs[e] = (float) random.nextGaussian();
        }
        state.k = k;
        return state;
    }

    @Test
    void gradientsMatchFiniteDifferencesAtIntegerK() {
        check(3);
    }

    @Test
    void gradientsMatchFiniteDifferencesAtFractionalK() {
        check(2.5);
    }

    private static void check(double k) {
        int inputDim = 12;
        int width = 8;
        BatchTopKSae sae = sae(inputDim, width, k);
        TrainingState state = state(16, inputDim, width, k);
        int parameters = sae.parameters().data().length;
        GradientCheck.Result result = GradientCheck.run(sae, List.of(MSE), state, 1e-3, Integer.MAX_VALUE, 0);
        assertEquals(parameters, result.checked() + result.skipped());
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
    }

    @Test
    void aWrongGradientIsCaught() {
        int inputDim = 12;
        int width = 8;
        BatchTopKSae sae = sae(inputDim, width, 3);
        TrainingState state = state(16, inputDim, width, 3);
        LossTerm wrong = (s, model) -> {
            double value = MSE.apply(s, model);
            s.grads[model.parameters().bDecOffset()] += 0.5f;
            return value;
        };
        GradientCheck.Result result = GradientCheck.run(sae, List.of(wrong), state, 1e-3, Integer.MAX_VALUE, 0);
        assertTrue(result.worstRelativeError() > 0.1, "the check must notice a wrong gradient: " + result);
    }
}
