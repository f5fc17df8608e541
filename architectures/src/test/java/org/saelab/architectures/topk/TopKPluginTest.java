package org.saelab.architectures.topk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ConfigException;
import org.saelab.api.Sae;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.ArchitectureFixtures;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** The plugin checks for topk (discovery, config round trip, factory from defaults) and validation. */
class TopKPluginTest {
    private static final int INPUT_DIM = 50;
    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());

    @Test
    void theRegistryNamesTopK() {
        assertInstanceOf(TopKFactory.class, registry.architectures().get("topk"), registry.architectures().keySet().toString());
        assertEquals(TopKConfig.class, registry.architectures().get("topk").configType());
        assertFalse(registry.architectures().get("topk").description().isBlank());
    }

    @Test
    void configRoundTripsThroughTheRunnersMapper() throws Exception {
        ObjectMapper mapper = Mappers.json(registry);
        for (TopKConfig config : List.of(TopKConfig.defaults(), new TopKConfig(32, 1), new TopKConfig(8, 8))) {
            String json = mapper.writerFor(ArchitectureConfig.class).writeValueAsString(config);
            assertTrue(json.replaceAll("\\s", "").contains("\"type\":\"topk\""), json);
            assertEquals(config, mapper.readValue(json, ArchitectureConfig.class), json);
        }
        assertEquals(new TopKConfig(16, 3), mapper.readValue("{\"type\": \"topk\", \"dSae\": 16, \"k\": 3}", ArchitectureConfig.class));
    }

    @Test
    void aFractionalKInAConfigFileIsReportedNotTruncated() {
        ConfigException e = ArchitectureFixtures.configError(Mappers.json(registry), "{\"type\": \"topk\", \"dSae\": 20, \"k\": 2.5}");
        assertTrue(e.getMessage().contains("architecture.k = 2.5") && e.getMessage().contains("whole number"), e.getMessage());
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(doubles = {0, 0.5, -1, 1.5, 21, Double.NaN, Double.POSITIVE_INFINITY})
    void aBadKIsRejectedNamingTheFieldAndValue(double k) {
        ConfigException e = assertThrows(ConfigException.class, () -> new TopKConfig(20, k));
        assertTrue(e.getMessage().contains("architecture.k = " + k), e.getMessage());
    }

    @Test
    void defaultsAndBoundaryValues() {
        assertEquals(new TopKConfig(20, 5), TopKConfig.defaults());
        assertEquals(1, new TopKConfig(20, 1).k());
        assertEquals(20, new TopKConfig(20, 20).k());
        ConfigException e = assertThrows(ConfigException.class, () -> new TopKConfig(0, 1));
        assertTrue(e.getMessage().contains("architecture.dSae = 0"), e.getMessage());
    }

    @Test
    void theFactoryBuildsAWorkingSaeFromDefaults() {
        Sae sae = ArchitectureFixtures.fromDefaults(registry.architectures().get("topk"), INPUT_DIM, 0);
        assertInstanceOf(TopKSae.class, sae);
        assertEquals(INPUT_DIM, sae.inputDim());
        assertEquals(20, sae.width());
        assertEquals(5, sae.k());
        TrainingState state = ArchitectureFixtures.gaussianState(32, INPUT_DIM, sae.width(), sae.k(), 41, 1);
        double loss = TrainingStep.forwardBackward(sae, List.of(ArchitectureFixtures.mse(sae.width())), state);
        assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
        assertEquals(5 * 32, state.main.count(), "k per sample");
        boolean gradients = false;
        for (float g : state.grads) {
            gradients |= g != 0f;
        }
        assertTrue(gradients, "gradients flow");
        Sae again = ArchitectureFixtures.fromDefaults(registry.architectures().get("topk"), INPUT_DIM, 0);
        Sae otherSeed = ArchitectureFixtures.fromDefaults(registry.architectures().get("topk"), INPUT_DIM, 1);
        assertArrayEquals(again.parameters().data(), ArchitectureFixtures.fromDefaults(registry.architectures().get("topk"),
                INPUT_DIM, 0).parameters().data(), "seeded initialisation");
        assertFalse(java.util.Arrays.equals(again.parameters().data(), otherSeed.parameters().data()), "another seed");
    }
}
