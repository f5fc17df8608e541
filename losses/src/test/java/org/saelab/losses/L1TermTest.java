package org.saelab.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.saelab.losses.TestSaes.BATCH;
import static org.saelab.losses.TestSaes.INPUT_DIM;
import static org.saelab.losses.TestSaes.WIDTH;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saelab.api.ConfigException;
import org.saelab.api.GradientCheck;
import org.saelab.api.LinearSae;
import org.saelab.api.LossTerm;
import org.saelab.api.LossTermConfig;
import org.saelab.api.RunContext;
import org.saelab.api.SaeParameters;
import org.saelab.api.SeedStreams;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.losses.l1.L1Config;
import org.saelab.losses.l1.L1Factory;
import org.saelab.losses.l1.L1Term;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/**
 * The l1 term: λ · mean over the batch of Σ_j relu(pre_j) ‖W_dec[j]‖ on a ReLU SAE (the spec's
 * standard SAE), its gradient against finite differences, and its plugin checks.
 */
class L1TermTest {
    private static final double H = 1e-3;
    private static final MseTerm MSE = new MseTerm(MseConfig.defaults());
    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());

    private static L1Term l1(double coefficient) {
        return new L1Term(new L1Config(coefficient));
    }

    /** λ · mean_b Σ_j relu(raw pre_j) · ‖W_dec[j]‖ in double, from the parameters alone. */
    private static double expectedPenalty(LinearSae sae, TrainingState s, double coefficient) {
        double[] norms = TestSaes.norms(sae);
        double[] pre = TestSaes.referencePre(sae, s.batch.inputs, BATCH);
        double sum = 0;
        for (int e = 0; e < pre.length; e++) {
            double raw = pre[e] / norms[e % WIDTH];
            sum += Math.max(raw, 0) * norms[e % WIDTH];
        }
        return coefficient * sum / BATCH;
    }

    @Test
    void valueIsTheDecoderNormWeightedL1OfTheActivations() {
        LinearSae sae = TestSaes.relu();
        TrainingState s = TestSaes.state(0);
        double loss = TrainingStep.forwardBackward(sae, List.of(l1(0.3)), s);
        double expected = expectedPenalty(sae, s, 0.3);
        assertTrue(expected > 0);
        assertEquals(expected, loss, 1e-5 * expected);
        double[] norms = TestSaes.norms(sae);
        assertTrue(IntStream.range(0, WIDTH).mapToDouble(j -> norms[j]).max().getAsDouble() > 3 * norms[0],
                "decoder norms differ, so the weighting matters");
    }

    @ParameterizedTest(name = "λ = {0}")
    @ValueSource(doubles = {0.05, 0.5})
    void gradientOfMsePlusL1MatchesFiniteDifferences(double coefficient) {
        LinearSae sae = TestSaes.relu();
        TrainingState state = TestSaes.state(0);
        int parameters = sae.parameters().data().length;
        GradientCheck.Result result = GradientCheck.run(sae, List.of(MSE, l1(coefficient)), state, H, Integer.MAX_VALUE, 0);
        assertEquals(parameters, result.checked() + result.skipped());
        assertTrue(result.checked() >= 0.8 * parameters, "checked " + result);
        assertTrue(result.worstRelativeError() < 1e-2, "worst " + result);
    }

    @Test
    void theGradientIncludesTheDecoderNormPath() {
        LinearSae sae = TestSaes.relu();
        SaeParameters layout = sae.parameters();
        // a W_dec row's gradient from the penalty alone: it changes the row's norm, so it is not zero
        TrainingState s = TestSaes.state(0);
        TrainingStep.forwardBackward(sae, List.of(l1(1)), s);
        GradientCheck.Result decoder = GradientCheck.range(sae, List.of(l1(1)), TestSaes.state(0), H, layout.wDecOffset(),
                layout.bDecOffset());
        assertTrue(decoder.checked() > 0 && decoder.worstRelativeError() < 1e-2, "W_dec: " + decoder);
        boolean decoderGradient = false;
        for (int i = layout.wDecOffset(); i < layout.bDecOffset(); i++) {
            decoderGradient |= s.grads[i] != 0f;
        }
        assertTrue(decoderGradient, "the penalty reaches W_dec through the norms");
    }

    @Test
    void theCoefficientScalesValueAndGradientAndZeroAddsNothing() {
        TrainingState one = TestSaes.state(0);
        double full = TrainingStep.forwardBackward(TestSaes.relu(), List.of(l1(1)), one);
        TrainingState quarter = TestSaes.state(0);
        double scaled = TrainingStep.forwardBackward(TestSaes.relu(), List.of(l1(0.25)), quarter);
        assertEquals(full / 4, scaled, 1e-6 * full);
        for (int i = 0; i < one.grads.length; i++) {
            assertEquals(one.grads[i] / 4, quarter.grads[i], 1e-6 * Math.abs(one.grads[i]) + 1e-9, "gradient " + i);
        }
        TrainingState none = TestSaes.state(0);
        assertEquals(0, TrainingStep.forwardBackward(TestSaes.relu(), List.of(l1(0)), none));
        assertTrue(IntStream.range(0, none.grads.length).allMatch(i -> none.grads[i] == 0f));
    }

    /** On a top-k SAE the penalty covers the main code only. */
    @Test
    void onATopKSaeOnlyTheKeptActivationsArePenalised() {
        LinearSae sae = TestSaes.batchTopK();
        TrainingState s = TestSaes.state(0);
        double loss = TrainingStep.forwardBackward(sae, List.of(l1(1)), s);
        double kept = 0;
        for (int e = 0; e < s.main.count(); e++) {
            kept += s.main.values[e];
        }
        assertEquals(3 * BATCH, s.main.count());
        assertEquals(kept / BATCH, loss, 1e-6 * loss);
        assertTrue(loss < expectedPenalty(sae, s, 1), "less than every positive activation");
    }

    @Test
    void pluginDiscoveryRoundTripAndValidation() throws Exception {
        assertInstanceOf(L1Factory.class, registry.lossTerms().get("l1"), registry.lossTerms().keySet().toString());
        ObjectMapper mapper = Mappers.json(registry);
        for (L1Config config : List.of(L1Config.defaults(), new L1Config(0.25), new L1Config(0))) {
            String json = mapper.writerFor(LossTermConfig.class).writeValueAsString(config);
            assertTrue(json.replaceAll("\\s", "").contains("\"type\":\"l1\""), json);
            assertEquals(config, mapper.readValue(json, LossTermConfig.class), json);
        }
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            ConfigException e = assertThrows(ConfigException.class, () -> new L1Config(bad));
            assertTrue(e.getMessage().contains("loss.coefficient = " + bad), e.getMessage());
        }
        L1Factory factory = (L1Factory) registry.lossTerms().get("l1");
        LossTerm term = factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(0), List.of(), INPUT_DIM));
        double value = TrainingStep.forwardBackward(TestSaes.relu(), List.of(term), TestSaes.state(0));
        assertTrue(value > 0, "default term " + value);
    }
}
