package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.saelab.api.LossTerm;
import org.saelab.api.SaeParameters;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.batchtopk.BatchTopKConfig;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;
import org.saelab.runner.train.AdamOptimizer;

/**
 * One BatchTopK training step (batch 8 of post20, k 5, AuxK off) against the independently
 * computed reference in batchtopk-step-golden.json: activations, reconstruction, loss, every
 * gradient, and the parameters after one step of ND4J's Adam.
 */
class BatchTopKGoldenStepTest {
    private static final double RELATIVE = 1e-5;
    private static JsonNode golden;
    private static BatchTopKSae sae;
    private static TrainingState state;
    private static double loss;
    private static float[] gradients;
    private static float[] after;

    @BeforeAll
    static void step() throws IOException {
        try (InputStream in = BatchTopKGoldenStepTest.class.getResourceAsStream("/batchtopk-step-golden.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        int batch = golden.get("batch").asInt();
        JsonNode init = golden.get("params_init");
        int inputDim = init.get("b_dec").size();
        int width = init.get("b_enc").size();
        sae = new BatchTopKSae(inputDim, new BatchTopKConfig(width, golden.get("k").asDouble()));
        SaeParameters p = sae.parameters();
        load(init.get("W_enc"), p.data(), p.wEncOffset());
        load(init.get("b_enc"), p.data(), p.bEncOffset());
        load(init.get("W_dec"), p.data(), p.wDecOffset());
        load(init.get("b_dec"), p.data(), p.bDecOffset());
        state = new TrainingState(batch, inputDim, width, 20);
        load(golden.get("x"), state.batch.inputs, 0);
        state.k = golden.get("k").asDouble();
        List<LossTerm> terms = List.of(new MseTerm(MseConfig.defaults()));
        loss = TrainingStep.forwardBackward(sae, terms, state);
        gradients = state.grads.clone();
        AdamOptimizer adam = new AdamOptimizer(p.data().length, 3e-4, 0.9, 0.999, 1e-8);
        adam.step(p.data(), state.grads);
        after = p.data().clone();
    }

    @Test
    void reluActivationsMatch() {
        float[] relu = new float[state.pre.length];
        for (int i = 0; i < relu.length; i++) {
            relu[i] = Math.max(0f, state.pre[i]);
        }
        assertClose("relu_acts", golden.get("relu_acts"), relu, 0, 1e-9);
    }

    @Test
    void topKActivationsMatch() {
        float[] dense = new float[state.pre.length];
        for (int e = 0; e < state.main.count(); e++) {
            dense[state.main.rows[e] * state.width + state.main.latents[e]] = state.main.values[e];
        }
        assertEquals(40, state.main.count(), "int(k·batch) = 40 kept values");
        assertClose("acts_topk", golden.get("acts_topk"), dense, 0, 1e-9);
    }

    @Test
    void reconstructionAndLossMatch() {
        assertClose("recon", golden.get("recon"), state.reconstruction, 0, 1e-7);
        assertEquals(golden.get("loss").asDouble(), loss, golden.get("loss").asDouble() * RELATIVE);
    }

    @Test
    void gradientsMatch() {
        SaeParameters p = sae.parameters();
        JsonNode grads = golden.get("grads");
        assertClose("grad W_enc", grads.get("W_enc"), gradients, p.wEncOffset(), 1e-9);
        assertClose("grad b_enc", grads.get("b_enc"), gradients, p.bEncOffset(), 1e-9);
        assertClose("grad W_dec", grads.get("W_dec"), gradients, p.wDecOffset(), 1e-9);
        assertClose("grad b_dec", grads.get("b_dec"), gradients, p.bDecOffset(), 1e-9);
    }

    @Test
    void parametersAfterOneAdamStepMatch() {
        SaeParameters p = sae.parameters();
        JsonNode next = golden.get("params_after_one_adam_step");
        assertClose("W_enc after", next.get("W_enc"), after, p.wEncOffset(), 1e-9);
        assertClose("b_enc after", next.get("b_enc"), after, p.bEncOffset(), 1e-9);
        assertClose("W_dec after", next.get("W_dec"), after, p.wDecOffset(), 1e-9);
        assertClose("b_dec after", next.get("b_dec"), after, p.bDecOffset(), 1e-9);
    }

    private static int load(JsonNode node, float[] target, int offset) {
        if (node.isArray() && node.size() > 0 && node.get(0).isArray()) {
            for (JsonNode row : node) {
                offset = load(row, target, offset);
            }
            return offset;
        }
        for (JsonNode value : node) {
            target[offset++] = (float) value.asDouble();
        }
        return offset;
    }

    /** |actual − expected| ≤ 1e-5·|expected| + absolute, element by element. */
    private static void assertClose(String what, JsonNode expected, float[] actual, int offset, double absolute) {
        float[] flat = new float[actual.length];
        int count = load(expected, flat, 0);
        for (int i = 0; i < count; i++) {
            double e = flat[i];
            double a = actual[offset + i];
            double tolerance = RELATIVE * Math.abs(e) + absolute;
            if (Math.abs(a - e) > tolerance) {
                throw new AssertionError(what + "[" + i + "]: expected " + e + " but was " + a + " (tolerance " + tolerance + ")");
            }
        }
    }
}
