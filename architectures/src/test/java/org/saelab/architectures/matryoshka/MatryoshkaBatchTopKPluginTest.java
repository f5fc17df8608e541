package org.saelab.architectures.matryoshka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ConfigException;
import org.saelab.api.Sae;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;
import org.saelab.architectures.ArchitectureFixtures;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** The plugin checks for matryoshka-batchtopk and the validation of its prefixes. */
class MatryoshkaBatchTopKPluginTest {
    private static final int INPUT_DIM = 50;
    private static final String NAME = "matryoshka-batchtopk";
    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());

    @Test
    void theRegistryNamesMatryoshkaBatchTopK() {
        assertInstanceOf(MatryoshkaBatchTopKFactory.class, registry.architectures().get(NAME), registry.architectures().keySet().toString());
        assertEquals(MatryoshkaBatchTopKConfig.class, registry.architectures().get(NAME).configType());
        assertFalse(registry.architectures().get(NAME).description().isBlank());
    }

    @Test
    void configRoundTripsThroughTheRunnersMapper() throws Exception {
        ObjectMapper mapper = Mappers.json(registry);
        for (MatryoshkaBatchTopKConfig config : List.of(MatryoshkaBatchTopKConfig.defaults(),
                new MatryoshkaBatchTopKConfig(32, 1.8, List.of(4, 16, 32)), new MatryoshkaBatchTopKConfig(8, 2, List.of(8)))) {
            String json = mapper.writerFor(ArchitectureConfig.class).writeValueAsString(config);
            assertTrue(json.replaceAll("\\s", "").contains("\"type\":\"" + NAME + "\""), json);
            assertEquals(config, mapper.readValue(json, ArchitectureConfig.class), json);
        }
        assertEquals(new MatryoshkaBatchTopKConfig(16, 2.5, List.of(2, 16)), mapper.readValue(
                "{\"type\": \"" + NAME + "\", \"dSae\": 16, \"k\": 2.5, \"prefixes\": [2, 16]}", ArchitectureConfig.class));
    }

    @Test
    void badPrefixesInAConfigFileFailNamingTheFieldAndValue() {
        ConfigException e = ArchitectureFixtures.configError(Mappers.json(registry),
                "{\"type\": \"" + NAME + "\", \"dSae\": 20, \"k\": 5, \"prefixes\": [5, 5, 20]}");
        assertTrue(e.getMessage().contains("architecture.prefixes = [5, 5, 20]") && e.getMessage().contains("strictly increasing"),
                e.getMessage());
    }

    private static void assertRejected(Executable build, String fieldAndValue, String requirement) {
        ConfigException e = assertThrows(ConfigException.class, build);
        assertTrue(e.getMessage().contains(fieldAndValue) && e.getMessage().contains(requirement),
                "expected '" + fieldAndValue + "' and '" + requirement + "' in: " + e.getMessage());
    }

    @Test
    void badValuesAreRejectedNamingTheFieldAndValue() {
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 5, List.of(10, 5, 20)), "architecture.prefixes = [10, 5, 20]",
                "strictly increasing");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 5, List.of(0, 20)), "architecture.prefixes = [0, 20]", "> 0");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 5, List.of(-3, 20)), "architecture.prefixes = [-3, 20]", "> 0");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 5, List.of(5, 10)), "architecture.prefixes = [5, 10]",
                "last width must equal architecture.dSae (20)");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 5, List.of(5, 25)), "architecture.prefixes = [5, 25]",
                "last width must equal");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 5, List.of()), "architecture.prefixes = []", "at least one");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 5, null), "architecture.prefixes = null", "at least one");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 5, Arrays.asList(5, null, 20)), "architecture.prefixes = [5, null, 20]",
                "> 0");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 21, List.of(20)), "architecture.k = 21.0", "<= architecture.dSae");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(20, 0, List.of(20)), "architecture.k = 0.0", "> 0");
        assertRejected(() -> new MatryoshkaBatchTopKConfig(0, 1, List.of(1)), "architecture.dSae = 0", "> 0");
    }

    @Test
    void theConfigKeepsItsOwnCopyOfThePrefixes() {
        List<Integer> prefixes = new ArrayList<>(List.of(5, 20));
        MatryoshkaBatchTopKConfig config = new MatryoshkaBatchTopKConfig(20, 5, prefixes);
        prefixes.set(0, 30);
        assertEquals(List.of(5, 20), config.prefixes());
    }

    @Test
    void theFactoryBuildsAWorkingSaeFromDefaults() {
        Sae sae = ArchitectureFixtures.fromDefaults(registry.architectures().get(NAME), INPUT_DIM, 0);
        MatryoshkaBatchTopKSae matryoshka = assertInstanceOf(MatryoshkaBatchTopKSae.class, sae);
        assertEquals(List.of(5, 10, 20), matryoshka.prefixes());
        assertEquals(20, sae.width());
        assertEquals(5, sae.k());
        TrainingState state = ArchitectureFixtures.gaussianState(32, INPUT_DIM, sae.width(), sae.k(), 41, 1);
        double loss = TrainingStep.forwardBackward(sae, List.of(ArchitectureFixtures.mse(5), ArchitectureFixtures.mse(10),
                ArchitectureFixtures.mse(20)), state);
        assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
        assertEquals(5 * 32, state.main.count(), "⌊k·B⌋ active");
    }
}
