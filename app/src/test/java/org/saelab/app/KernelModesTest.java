package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.saelab.api.ComponentSpec;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.Kernels;
import org.saelab.api.RunSpec;
import org.saelab.api.TrainingConfig;
import org.saelab.runner.config.SpecResolver;
import org.saelab.runner.train.RunExecutor;
import org.saelab.runner.train.RunOutcome;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/**
 * A run trains to the same floats, bit for bit, on the SIMD kernels, on their exact plain twins,
 * switching from the twins to SIMD part-way, on the native kernels where they are available, and
 * on the default: BatchTopK with mse and auxk on
 * post20, matryoshka with three prefixes, and a width whose rows end mid-vector.
 */
class KernelModesTest {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover(KernelModesTest.class.getClassLoader());

    @AfterEach
    void restoreTheDefault() {
        Kernels.setMode(Kernels.Mode.AUTO);
    }

    private static RunOutcome train(Kernels.Mode mode, ComponentSpec architecture, List<ComponentSpec> loss) {
        return train(mode, ComponentSpec.of("post20"), 300_000, architecture, loss);
    }

    private static RunOutcome train(Kernels.Mode mode, ComponentSpec sampler, long samples, ComponentSpec architecture,
            List<ComponentSpec> loss) {
        Kernels.setMode(mode);
        ExperimentSpec experiment = new ExperimentSpec(sampler, architecture, loss,
                new TrainingConfig(samples, 1024, 3e-4, 0.9, 0.999, 1e-8, 0, "random"), EvaluationConfig.defaults());
        RunSpec spec = new SpecResolver(Mappers.json(REGISTRY), Mappers.yaml(REGISTRY), REGISTRY)
                .resolve(experiment, SpecResolver.Overrides.none());
        RunExecutor executor = new RunExecutor(REGISTRY);
        return executor.run(executor.prepare(spec, List.of()), List.of(), List.copyOf(REGISTRY.metrics().values()));
    }

    private static void assertSameTraining(ComponentSpec architecture, List<ComponentSpec> loss) {
        RunOutcome simd = train(Kernels.Mode.SIMD, architecture, loss);
        assertTrue(Kernels.allSimd() || !Kernels.VECTORISED, "SIMD mode ran the SIMD kernels");
        RunOutcome plain = train(Kernels.Mode.PLAIN, architecture, loss);
        RunOutcome auto = train(Kernels.Mode.JAVA, architecture, loss);
        float[] expected = simd.sae().parameters().data();
        RunOutcome byDefault = train(Kernels.Mode.AUTO, architecture, loss);
        assertBits(expected, byDefault.sae().parameters().data(), "parameters, default kernels");
        if (Kernels.nativeAvailable()) {
            RunOutcome natively = train(Kernels.Mode.NATIVE, architecture, loss);
            assertBits(expected, natively.sae().parameters().data(), "parameters, native kernels");
            assertBits(simd.losses(), natively.losses(), "losses, native kernels");
        }
        assertBits(expected, plain.sae().parameters().data(), "parameters, plain twins");
        assertBits(expected, auto.sae().parameters().data(), "parameters, switched part-way");
        assertBits(simd.losses(), plain.losses(), "losses, plain twins");
        assertBits(simd.losses(), auto.losses(), "losses, switched part-way");
        assertEquals(simd.metrics().get("mse").json(), auto.metrics().get("mse").json());
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + " differ at " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    @Test
    void batchTopKTrainsToTheSameBits() {
        assertSameTraining(ComponentSpec.of("batchtopk", "dSae", 20, "k", 5.0),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk")));
    }

    @Test
    void matryoshkaTrainsToTheSameBits() {
        assertSameTraining(ComponentSpec.of("matryoshka-batchtopk", "dSae", 20, "k", 5.0, "prefixes", List.of(5, 10, 20)),
                List.of(ComponentSpec.of("mse", "latents", 5), ComponentSpec.of("mse", "latents", 10),
                        ComponentSpec.of("mse", "latents", 20), ComponentSpec.of("auxk")));
    }

    @Test
    void aWidthThatEndsMidVectorTrainsToTheSameBits() {
        assertSameTraining(ComponentSpec.of("batchtopk", "dSae", 13, "k", 3.0),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk")));
    }

    /**
     * The native backward passes take rows of up to 64 floats in registers and longer ones by
     * latent: inputs of 20, 64, 65 and 130 floats train to the SIMD kernels' bits either way.
     */
    @Test
    void inputWidthsAroundTheNativeRowPathTrainToTheSameBits() {
        for (int inputDim : new int[] {20, 64, 65, 130}) {
            ComponentSpec sampler = ComponentSpec.of("post20", "inputDim", inputDim);
            ComponentSpec architecture = ComponentSpec.of("batchtopk", "dSae", 24, "k", 5.0);
            List<ComponentSpec> loss = List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk"));
            RunOutcome simd = train(Kernels.Mode.SIMD, sampler, 100_000, architecture, loss);
            RunOutcome byDefault = train(Kernels.Mode.AUTO, sampler, 100_000, architecture, loss);
            String what = "d_in " + inputDim + ", ";
            assertBits(simd.sae().parameters().data(), byDefault.sae().parameters().data(), what + "parameters");
            assertBits(simd.losses(), byDefault.losses(), what + "losses");
        }
    }
}
