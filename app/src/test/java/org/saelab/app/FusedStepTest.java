package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.saelab.api.ComponentSpec;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.Kernels;
import org.saelab.api.LossTerm;
import org.saelab.api.RunSpec;
import org.saelab.api.Sae;
import org.saelab.api.TrainingConfig;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.runner.config.SpecResolver;
import org.saelab.runner.train.RunExecutor;
import org.saelab.runner.train.RunOutcome;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/**
 * The fused step (decode, MSE, decoder and encoder backward passes in one native pass over the
 * rows) and the native MSE pass of a term alone give the floats of the separate passes on the
 * Java SIMD kernels, bit for bit: one step's every output, and whole trainings, at input widths from 20 to 64 floats, SAE widths from 9 to 64, batches whose floats
 * end mid-vector, with and without an idle dead-latent term.
 */
class FusedStepTest {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover(FusedStepTest.class.getClassLoader());

    @AfterEach
    void restoreTheDefaults() {
        TrainingStep.setFusion(true);
        Kernels.setMode(Kernels.Mode.AUTO);
    }

    private static RunExecutor.Prepared prepare(int inputDim, ComponentSpec architecture, List<ComponentSpec> loss,
            long samples, int batchSize) {
        ExperimentSpec experiment = new ExperimentSpec(ComponentSpec.of("post20", "inputDim", inputDim), architecture,
                loss, new TrainingConfig(samples, batchSize, 3e-4, 0.9, 0.999, 1e-8, 0, "random"),
                EvaluationConfig.defaults());
        RunSpec spec = new SpecResolver(Mappers.json(REGISTRY), Mappers.yaml(REGISTRY), REGISTRY)
                .resolve(experiment, SpecResolver.Overrides.none());
        return new RunExecutor(REGISTRY).prepare(spec, List.of());
    }

    private static RunOutcome train(Kernels.Mode mode, boolean fused, int inputDim, ComponentSpec architecture,
            List<ComponentSpec> loss, int batchSize) {
        Kernels.setMode(mode);
        TrainingStep.setFusion(fused);
        RunExecutor.Prepared prepared = prepare(inputDim, architecture, loss, 40L * batchSize, batchSize);
        return new RunExecutor(REGISTRY).run(prepared, List.of(), List.of());
    }

    /** The state after encode and select of one batch, on a fresh SAE of the run's seed. */
    private static TrainingState selected(RunExecutor.Prepared prepared) {
        Sae sae = prepared.sae();
        int batchSize = prepared.spec().training().batchSize();
        TrainingState state = new TrainingState(batchSize, sae.inputDim(), sae.width(),
                prepared.sampler().numFeatures());
        state.k = sae.k();
        prepared.sampler().stream(prepared.seeds().seed("data.training")).next(state.batch);
        sae.encode(state);
        state.main.clear();
        sae.select(state, state.k, state.main);
        return state;
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + " differ at " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    private static void assertOneStepMatches(int inputDim, int width, double k, int batchSize) {
        List<ComponentSpec> loss = List.of(ComponentSpec.of("mse", "weight", 0.7));
        ComponentSpec architecture = ComponentSpec.of("batchtopk", "dSae", width, "k", k);
        RunExecutor.Prepared fusedRun = prepare(inputDim, architecture, loss, batchSize, batchSize);
        RunExecutor.Prepared separateRun = prepare(inputDim, architecture, loss, batchSize, batchSize);
        String what = "d_in " + inputDim + ", d_sae " + width + ", batch " + batchSize + ": ";
        Kernels.setMode(Kernels.Mode.NATIVE);
        TrainingState fused = selected(fusedRun);
        double fusedLoss = TrainingStep.fusedRest(fusedRun.sae(), fusedRun.terms(), fused);
        assertFalse(Double.isNaN(fusedLoss), what + "the fused pass ran");
        // the separate passes on the Java SIMD kernels: another implementation of every sum
        Kernels.setMode(Kernels.Mode.SIMD);
        TrainingState separate = selected(separateRun);
        Sae sae = separateRun.sae();
        sae.decode(separate, separate.main, sae.width(), separate.reconstruction);
        double separateLoss = 0;
        for (LossTerm term : separateRun.terms()) {
            separateLoss += term.apply(separate, sae);
        }
        sae.backwardEncode(separate);

        assertEquals(Double.doubleToRawLongBits(separateLoss), Double.doubleToRawLongBits(fusedLoss), what + "loss");
        assertBits(separate.grads, fused.grads, what + "gradients");
        assertBits(separate.gradPre, fused.gradPre, what + "gradPre");
        assertBits(separate.gradNorms, fused.gradNorms, what + "norm gradients");
        assertBits(separate.reconstruction, fused.reconstruction, what + "reconstruction");
    }

    @Test
    void oneStepGivesTheSeparatePassesFloats() {
        assumeTrue(Kernels.nativeAvailable(), "the fused pass is native: " + Kernels.nativeStatus());
        assertOneStepMatches(50, 20, 5.0, 1024);
        assertOneStepMatches(64, 64, 7.0, 256);
        // 21 x 117 floats end mid-vector: the squares' last floats are summed after the vector lanes
        assertOneStepMatches(21, 9, 2.0, 117);
        assertOneStepMatches(20, 13, 3.0, 333);
    }

    @Test
    void fusedTrainingsGiveTheSeparateTrainingsBits() {
        assumeTrue(Kernels.nativeAvailable(), "the fused pass is native: " + Kernels.nativeStatus());
        int[][] shapes = {{50, 20, 1024}, {64, 64, 256}, {21, 9, 117}, {33, 24, 203}};
        for (int[] shape : shapes) {
            ComponentSpec architecture = ComponentSpec.of("batchtopk", "dSae", shape[1], "k", 4.0);
            for (List<ComponentSpec> loss : List.of(List.of(ComponentSpec.of("mse")),
                    List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk")))) {
                RunOutcome java = train(Kernels.Mode.SIMD, false, shape[0], architecture, loss, shape[2]);
                RunOutcome fused = train(Kernels.Mode.NATIVE, true, shape[0], architecture, loss, shape[2]);
                RunOutcome separate = train(Kernels.Mode.NATIVE, false, shape[0], architecture, loss, shape[2]);
                String what = "d_in " + shape[0] + ", d_sae " + shape[1] + ", " + loss.size() + " terms: ";
                assertBits(java.sae().parameters().data(), fused.sae().parameters().data(), what + "parameters, fused");
                assertBits(java.losses(), fused.losses(), what + "losses, fused");
                assertBits(java.sae().parameters().data(), separate.sae().parameters().data(),
                        what + "parameters, native passes one by one");
                assertBits(java.losses(), separate.losses(), what + "losses, native passes one by one");
            }
        }
    }

    @Test
    void aTermThatIsNotIdleKeepsTheSeparatePasses() {
        RunExecutor.Prepared prepared = prepare(50, ComponentSpec.of("batchtopk", "dSae", 20, "k", 5.0),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("l1", "coefficient", 0.1)), 1024, 1024);
        TrainingState state = selected(prepared);
        float[] before = state.grads.clone();
        assertTrue(Double.isNaN(TrainingStep.fusedRest(prepared.sae(), prepared.terms(), state)));
        assertBits(before, state.grads, "gradients untouched");
    }
}
