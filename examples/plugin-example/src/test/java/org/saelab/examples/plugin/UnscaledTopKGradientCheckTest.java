package org.saelab.examples.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saelab.api.GradientCheck;
import org.saelab.api.LossTerm;
import org.saelab.api.LossTermConfig;
import org.saelab.api.LossTermFactory;
import org.saelab.api.RunContext;
import org.saelab.api.SaeParameters;
import org.saelab.api.SeedStreams;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.runner.wiring.PluginRegistry;

/**
 * The architecture's forward and backward passes with saelab's own {@code mse} term, against
 * central finite differences over every parameter (float32: h 1e-3, relative tolerance 1e-2).
 */
class UnscaledTopKGradientCheckTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 8;
    private static final int BATCH = 16;
    private static final int K = 2;

    private static UnscaledTopKSae sae() {
        UnscaledTopKSae sae = new UnscaledTopKSae(INPUT_DIM, new UnscaledTopKConfig(WIDTH, K));
        sae.initialiseRandom(4);
        // biases and decoder rows of different norms, so every parameter carries gradient
        SaeParameters layout = sae.parameters();
        float[] p = layout.data();
        SplittableRandom random = new SplittableRandom(5);
        for (int j = 0; j < WIDTH; j++) {
            p[layout.bEncOffset() + j] = (float) (0.02 * random.nextGaussian());
            for (int i = 0; i < INPUT_DIM; i++) {
                p[layout.wDecOffset() + j * INPUT_DIM + i] *= (float) (1 + j);
            }
        }
        for (int i = 0; i < INPUT_DIM; i++) {
            p[layout.bDecOffset() + i] = (float) (0.05 * random.nextGaussian());
        }
        return sae;
    }

    private static TrainingState state() {
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        SplittableRandom random = new SplittableRandom(3);
        for (int e = 0; e < state.batch.inputs.length; e++) {
            state.batch.inputs[e] = (float) (0.5 * random.nextGaussian());
        }
        state.k = K;
        return state;
    }

    /** saelab's own mse term, found by name as a run would. */
    private static LossTerm mse() {
        PluginRegistry registry = PluginRegistry.discover(UnscaledTopKGradientCheckTest.class.getClassLoader());
        return fromDefaults(registry.lossTerms().get("mse"));
    }

    private static <C extends LossTermConfig> LossTerm fromDefaults(LossTermFactory<C> factory) {
        return factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(0), List.of(), INPUT_DIM));
    }

    @Test
    void everyParameterMatchesFiniteDifferences() {
        UnscaledTopKSae sae = sae();
        TrainingState state = state();
        int parameters = sae.parameters().data().length;
        GradientCheck.Result result = GradientCheck.run(sae, List.of(mse()), state, 1e-3, Integer.MAX_VALUE, 0);
        assertEquals(parameters, result.checked() + result.skipped());
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
    }

    @Test
    void selectionSeesTheRawPreActivationsAndKeepsKPerSample() {
        UnscaledTopKSae sae = sae();
        TrainingState state = state();
        TrainingStep.forwardBackward(sae, List.of(mse()), state);
        assertArrayEquals(state.preRaw, state.pre, 0f, "no decoder-norm factor");
        assertEquals(K * BATCH, state.main.count());
        for (int b = 0; b < BATCH; b++) {
            float smallestKept = Float.POSITIVE_INFINITY;
            int kept = 0;
            for (int e = 0; e < state.main.count(); e++) {
                if (state.main.rows[e] == b) {
                    smallestKept = Math.min(smallestKept, state.main.values[e]);
                    kept++;
                }
            }
            assertEquals(K, kept, "row " + b);
            for (int j = 0; j < WIDTH; j++) {
                float v = state.pre[b * WIDTH + j];
                boolean isKept = false;
                for (int e = 0; e < state.main.count(); e++) {
                    isKept |= state.main.rows[e] == b && state.main.latents[e] == j;
                }
                assertTrue(isKept || v <= smallestKept, "row " + b + ": a dropped value above a kept one");
            }
        }
    }
}
