package org.saelab.architectures.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ConfigException;
import org.saelab.api.Sae;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.ArchitectureFixtures;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** The plugin checks for standard (discovery, config round trip, factory from defaults) and validation. */
class StandardPluginTest {
    private static final int INPUT_DIM = 50;
    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());

    @Test
    void theRegistryNamesStandard() {
        assertInstanceOf(StandardFactory.class, registry.architectures().get("standard"), registry.architectures().keySet().toString());
        assertEquals(StandardConfig.class, registry.architectures().get("standard").configType());
        assertFalse(registry.architectures().get("standard").description().isBlank());
    }

    @Test
    void configRoundTripsThroughTheRunnersMapper() throws Exception {
        ObjectMapper mapper = Mappers.json(registry);
        for (StandardConfig config : List.of(StandardConfig.defaults(), new StandardConfig(64))) {
            String json = mapper.writerFor(ArchitectureConfig.class).writeValueAsString(config);
            assertTrue(json.replaceAll("\\s", "").contains("\"type\":\"standard\""), json);
            assertEquals(config, mapper.readValue(json, ArchitectureConfig.class), json);
        }
    }

    @Test
    void aKInAConfigFileIsAnUnknownFieldAndABadWidthNamesItsValue() {
        ObjectMapper mapper = Mappers.json(registry);
        Exception unknown = assertThrows(Exception.class,
                () -> mapper.readValue("{\"type\": \"standard\", \"dSae\": 20, \"k\": 5}", ArchitectureConfig.class));
        assertTrue(unknown.getMessage().contains("\"k\""), unknown.getMessage());
        ConfigException e = ArchitectureFixtures.configError(mapper, "{\"type\": \"standard\", \"dSae\": -2}");
        assertTrue(e.getMessage().contains("architecture.dSae = -2"), e.getMessage());
    }

    @Test
    void theFactoryBuildsAWorkingSaeFromDefaults() {
        Sae sae = ArchitectureFixtures.fromDefaults(registry.architectures().get("standard"), INPUT_DIM, 0);
        assertInstanceOf(StandardSae.class, sae);
        assertEquals(20, sae.width());
        assertTrue(Double.isNaN(sae.k()));
        TrainingState state = ArchitectureFixtures.gaussianState(32, INPUT_DIM, sae.width(), sae.k(), 41, 1);
        double loss = TrainingStep.forwardBackward(sae, List.of(ArchitectureFixtures.mse(sae.width()), ArchitectureFixtures.l1(1e-3)),
                state);
        assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
        assertTrue(state.main.count() > 32 * 5, "a fresh ReLU SAE fires about half its latents: " + state.main.count());
    }
}
