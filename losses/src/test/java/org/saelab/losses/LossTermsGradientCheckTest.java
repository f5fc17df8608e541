package org.saelab.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.saelab.api.ConfigException;
import org.saelab.api.GradientCheck;
import org.saelab.api.LinearSae;
import org.saelab.api.LossTerm;
import org.saelab.api.LossTermConfig;
import org.saelab.api.SparseCode;
import org.saelab.api.TopK;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.losses.auxk.AuxKConfig;
import org.saelab.losses.auxk.AuxKTerm;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** The mse and auxk terms: finite-difference gradients, values against a reference, plugin checks. */
class LossTermsGradientCheckTest {
    private static final int INPUT_DIM = 12;
    private static final int WIDTH = 10;
    private static final int BATCH = 16;

    /** A batch-top-k SAE with decoder-norm rescaling, as the architectures module has. */
    private static final class TestSae extends LinearSae {
        TestSae() {
            super(INPUT_DIM, WIDTH, true);
        }

        @Override
        public double k() {
            return 3;
        }

        @Override
        public void select(TrainingState state, double k, SparseCode out) {
            TopK.selectBatch(state.pre, state.batchSize, width, (long) Math.floor(k * state.batchSize), state.scratch, out);
        }
    }

    private static TestSae sae() {
        TestSae sae = new TestSae();
        sae.initialiseRandom(4);
        float[] p = sae.parameters().data();
        SplittableRandom random = new SplittableRandom(5);
        for (int j = 0; j < WIDTH; j++) {
            p[sae.parameters().bEncOffset() + j] = (float) (0.05 * random.nextGaussian());
            float scale = (float) (5 + 10 * random.nextDouble());
            for (int i = 0; i < INPUT_DIM; i++) {
                p[sae.parameters().wDecOffset() + j * INPUT_DIM + i] *= scale;
            }
        }
        for (int i = 0; i < INPUT_DIM; i++) {
            p[sae.parameters().bDecOffset() + i] = (float) (0.1 * random.nextGaussian());
        }
        return sae;
    }

    private static TrainingState state(int dead) {
        TrainingState state = new TrainingState(BATCH, INPUT_DIM, WIDTH, 1);
        SplittableRandom random = new SplittableRandom(6);
        for (int e = 0; e < state.batch.inputs.length; e++) {
            state.batch.inputs[e] = (float) random.nextGaussian();
        }
        state.k = 3;
        for (int j = 0; j < dead; j++) {
            state.stepsSinceFired[WIDTH - 1 - j] = 5000;
        }
        return state;
    }

    private static void assertGradientsMatch(List<LossTerm> terms, int dead, double h) {
        TestSae sae = sae();
        GradientCheck.Result result = GradientCheck.run(sae, terms, state(dead), h, Integer.MAX_VALUE, 0);
        int parameters = sae.parameters().data().length;
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
    }

    @Test
    void mseGradientMatchesFiniteDifferences() {
        assertGradientsMatch(List.of(new MseTerm(MseConfig.defaults())), 0, 3e-3);
    }

    @Test
    void multiKMseGradientMatchesFiniteDifferences() {
        assertGradientsMatch(List.of(new MseTerm(new MseConfig(1, 2.0, null)), new MseTerm(new MseConfig(0.5, 4.0, null))), 0, 1e-3);
    }

    /**
     * AuxK treats the residual x − x̂ as a constant (no gradient through x̂), so the finite
     * differences must see a constant residual too: the main reconstruction is frozen at its
     * unperturbed value before the term reads it.
     */
    @Test
    void auxKGradientMatchesFiniteDifferences() {
        for (int dead : new int[] {3, 8}) {
            TestSae sae = sae();
            TrainingState s = state(dead);
            TrainingStep.forwardBackward(sae, List.of(), s);
            float[] frozen = s.reconstruction.clone();
            AuxKTerm aux = new AuxKTerm(AuxKConfig.defaults());
            LossTerm frozenResidual = (state, model) -> {
                System.arraycopy(frozen, 0, state.reconstruction, 0, frozen.length);
                return aux.apply(state, model);
            };
            GradientCheck.Result result = GradientCheck.run(sae, List.of(frozenResidual), s, 1e-3, Integer.MAX_VALUE, 0);
            int parameters = sae.parameters().data().length;
            assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
            assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
        }
    }

    @Test
    void mseAtTheTrainingKEqualsTheMainCode() {
        TestSae a = sae();
        TrainingState sa = state(0);
        double la = TrainingStep.forwardBackward(a, List.of(new MseTerm(MseConfig.defaults())), sa);
        TestSae b = sae();
        TrainingState sb = state(0);
        double lb = TrainingStep.forwardBackward(b, List.of(new MseTerm(new MseConfig(1, 3.0, null))), sb);
        assertEquals(la, lb, 0);
        assertArrayEquals(sa.grads, sb.grads, 0f);
    }

    @Test
    void auxKValueMatchesItsDefinition() {
        for (int dead : new int[] {3, 8}) {
            TestSae sae = sae();
            TrainingState s = state(dead);
            TrainingStep.forwardBackward(sae, List.of(new MseTerm(MseConfig.defaults())), s);
            double value = new AuxKTerm(AuxKConfig.defaults()).apply(s, sae);
            int half = INPUT_DIM / 2;
            int kAux = Math.min(half, dead);
            double scale = Math.min((double) dead / half, 1.0);
            float[] p = sae.parameters().data();
            double sum = 0;
            for (int b = 0; b < BATCH; b++) {
                // the kAux largest scaled pre-activations among the dead latents (any sign)
                Integer[] deadLatents = new Integer[dead];
                for (int d = 0; d < dead; d++) {
                    deadLatents[d] = WIDTH - 1 - d;
                }
                int row = b;
                java.util.Arrays.sort(deadLatents, (x, y) -> Float.compare(s.pre[row * WIDTH + y], s.pre[row * WIDTH + x]));
                double[] recon = new double[INPUT_DIM];
                for (int i = 0; i < INPUT_DIM; i++) {
                    recon[i] = p[sae.parameters().bDecOffset() + i];
                }
                for (int t = 0; t < kAux; t++) {
                    int j = deadLatents[t];
                    double a = s.pre[b * WIDTH + j] / s.norms[j];
                    for (int i = 0; i < INPUT_DIM; i++) {
                        recon[i] += a * p[sae.parameters().wDecOffset() + j * INPUT_DIM + i];
                    }
                }
                for (int i = 0; i < INPUT_DIM; i++) {
                    double residual = s.batch.inputs[b * INPUT_DIM + i] - s.reconstruction[b * INPUT_DIM + i];
                    double diff = recon[i] - residual;
                    sum += diff * diff;
                }
            }
            assertEquals(scale * sum / BATCH, value, 1e-5 * Math.abs(value), "dead = " + dead);
        }
    }

    @Test
    void noDeadLatentsMeansNoAuxTerm() {
        TestSae sae = sae();
        TrainingState s = state(0);
        TrainingStep.forwardBackward(sae, List.of(new MseTerm(MseConfig.defaults())), s);
        float[] before = s.grads.clone();
        assertEquals(0, new AuxKTerm(AuxKConfig.defaults()).apply(s, sae));
        assertArrayEquals(before, s.grads, 0f);
    }

    @Test
    void pluginIsDiscoveredAndConfigsRoundTrip() throws Exception {
        PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());
        assertTrue(registry.lossTerms().keySet().containsAll(List.of("mse", "auxk")));
        ObjectMapper mapper = Mappers.json(registry);
        for (LossTermConfig config : List.of(MseConfig.defaults(), new MseConfig(0.5, 2.0, 10), AuxKConfig.defaults())) {
            String json = mapper.writerFor(LossTermConfig.class).writeValueAsString(config);
            assertEquals(config, mapper.readValue(json, LossTermConfig.class), json);
        }
        assertTrue(new org.saelab.losses.mse.MseFactory().create(MseConfig.defaults(), null) instanceof MseTerm);
        assertTrue(new org.saelab.losses.auxk.AuxKFactory().create(AuxKConfig.defaults(), null) instanceof AuxKTerm);
    }

    @Test
    void invalidValuesNameTheirField() {
        ConfigException weight = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> new MseConfig(-1, null, null));
        assertTrue(weight.getMessage().contains("loss.weight = -1.0"), weight.getMessage());
        ConfigException k = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> new MseConfig(1, 0.0, null));
        assertTrue(k.getMessage().contains("loss.k = 0.0"), k.getMessage());
    }
}
