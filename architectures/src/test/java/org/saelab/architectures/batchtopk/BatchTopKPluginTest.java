package org.saelab.architectures.batchtopk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ArchitectureFactory;
import org.saelab.api.ConfigException;
import org.saelab.api.Plugin;
import org.saelab.api.RunContext;
import org.saelab.api.Sae;
import org.saelab.api.SaeParameters;
import org.saelab.api.SeedStreams;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.ArchitecturesPlugin;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** The three plugin checks (discovery, config round trip, factory from defaults) and validation. */
class BatchTopKPluginTest {
    private static final int INPUT_DIM = 50;
    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());

    @Test
    void serviceLoaderFindsThePluginAndTheRegistryNamesBatchTopK() {
        List<String> plugins = new ArrayList<>();
        ServiceLoader.load(Plugin.class, getClass().getClassLoader()).forEach(p -> plugins.add(p.getClass().getName()));
        assertTrue(plugins.contains(ArchitecturesPlugin.class.getName()), plugins.toString());
        assertInstanceOf(BatchTopKFactory.class, registry.architectures().get("batchtopk"), registry.architectures().keySet().toString());
        assertEquals(BatchTopKConfig.class, registry.architectures().get("batchtopk").configType());
        assertFalse(registry.architectures().get("batchtopk").description().isBlank());
    }

    @Test
    void configRoundTripsThroughTheRunnersMapper() throws Exception {
        ObjectMapper mapper = Mappers.json(registry);
        for (BatchTopKConfig config : List.of(BatchTopKConfig.defaults(), new BatchTopKConfig(32, 1.8))) {
            String json = mapper.writerFor(ArchitectureConfig.class).writeValueAsString(config);
            assertTrue(json.replaceAll("\\s", "").contains("\"type\":\"batchtopk\""), json);
            assertEquals(config, mapper.readValue(json, ArchitectureConfig.class), json);
        }
        assertEquals(new BatchTopKConfig(16, 2.5),
                mapper.readValue("{\"type\": \"batchtopk\", \"dSae\": 16, \"k\": 2.5}", ArchitectureConfig.class));
    }

    @Test
    void aBadKInAConfigFileFailsNamingTheField() {
        ObjectMapper mapper = Mappers.json(registry);
        Exception e = assertThrows(Exception.class,
                () -> mapper.readValue("{\"type\": \"batchtopk\", \"dSae\": 20, \"k\": 21}", ArchitectureConfig.class));
        Throwable cause = e;
        while (cause != null && !(cause instanceof ConfigException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(ConfigException.class, cause, "cause chain of " + e);
        assertTrue(cause.getMessage().contains("architecture.k = 21.0"), cause.getMessage());
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(doubles = {0, -1, 21, Double.NaN})
    void aBadKIsRejectedNamingTheFieldAndValue(double k) {
        ConfigException e = assertThrows(ConfigException.class, () -> new BatchTopKConfig(20, k));
        assertTrue(e.getMessage().contains("architecture.k") && e.getMessage().contains(String.valueOf(k)), e.getMessage());
    }

    @Test
    void kMayBeFractionalAndEqualToTheWidth() {
        assertEquals(1.8, new BatchTopKConfig(20, 1.8).k());
        assertEquals(20, new BatchTopKConfig(20, 20).k());
        ConfigException e = assertThrows(ConfigException.class, () -> new BatchTopKConfig(0, 1));
        assertTrue(e.getMessage().contains("architecture.dSae = 0"), e.getMessage());
    }

    private static <C extends ArchitectureConfig> Sae fromDefaults(ArchitectureFactory<C> factory, long seed) {
        return factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(seed), List.of(), INPUT_DIM));
    }

    @Test
    void theFactoryBuildsAWorkingSaeFromDefaults() {
        Sae sae = fromDefaults(registry.architectures().get("batchtopk"), 0);
        assertEquals(INPUT_DIM, sae.inputDim());
        assertEquals(20, sae.width());
        assertEquals(5, sae.k());
        int batch = 32;
        TrainingState state = BatchTopKFixtures.gaussianState(batch, INPUT_DIM, sae.width(), sae.k(), 41, 1);
        double loss = TrainingStep.forwardBackward(sae, List.of(BatchTopKFixtures.MSE), state);
        assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
        assertEquals(5 * batch, state.main.count(), "⌊k·B⌋ active");
        assertTrue(Arrays.stream(toDouble(state.grads)).anyMatch(g -> g != 0), "gradients flow");
    }

    @Test
    void theDefaultInitialisationIsSaeLenss() {
        Sae sae = fromDefaults(registry.architectures().get("batchtopk"), 0);
        SaeParameters layout = sae.parameters();
        float[] p = layout.data();
        int w = sae.width();
        for (int j = 0; j < w; j++) {
            double sum = 0;
            for (int i = 0; i < INPUT_DIM; i++) {
                float v = p[layout.wDecOffset() + j * INPUT_DIM + i];
                sum += (double) v * v;
                assertEquals(v, p[layout.wEncOffset() + i * w + j], 0f, "W_enc = W_decᵀ");
            }
            assertEquals(0.1, Math.sqrt(sum), 1e-6, "‖W_dec[" + j + "]‖");
            assertEquals(0f, p[layout.bEncOffset() + j]);
        }
        for (int i = 0; i < INPUT_DIM; i++) {
            assertEquals(0f, p[layout.bDecOffset() + i]);
        }
        assertEquals(0, sae.threshold(), 0);
    }

    @Test
    void theSameSeedGivesTheSameParametersAndAnotherSeedOthers() {
        ArchitectureFactory<?> factory = registry.architectures().get("batchtopk");
        Sae a = fromDefaults(factory, 0);
        Sae b = fromDefaults(factory, 0);
        Sae c = fromDefaults(factory, 1);
        assertArrayEquals(a.parameters().data(), b.parameters().data());
        assertFalse(Arrays.equals(a.parameters().data(), c.parameters().data()));
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
