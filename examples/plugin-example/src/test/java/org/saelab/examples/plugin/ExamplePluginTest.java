package org.saelab.examples.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ArchitectureFactory;
import org.saelab.api.ConfigException;
import org.saelab.api.Plugin;
import org.saelab.api.RunContext;
import org.saelab.api.Sae;
import org.saelab.api.SeedStreams;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** The plugin checks: ServiceLoader finds it, its config round-trips, its factory builds from defaults. */
class ExamplePluginTest {
    private static final String NAME = "example-topk-unscaled";
    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());

    @Test
    void serviceLoaderFindsThePluginAndTheRegistryNamesItsArchitecture() {
        List<String> plugins = new ArrayList<>();
        ServiceLoader.load(Plugin.class, getClass().getClassLoader()).forEach(p -> plugins.add(p.getClass().getName()));
        assertTrue(plugins.contains(ExamplePlugin.class.getName()), plugins.toString());
        assertInstanceOf(UnscaledTopKFactory.class, registry.architectures().get(NAME), registry.architectures().keySet().toString());
        assertTrue(registry.architectures().containsKey("batchtopk"), "the core architectures are there too");
    }

    @Test
    void configRoundTripsThroughTheRunnersMapperByTypeName() throws Exception {
        ObjectMapper mapper = Mappers.json(registry);
        for (UnscaledTopKConfig config : List.of(UnscaledTopKConfig.defaults(), new UnscaledTopKConfig(8, 3))) {
            String json = mapper.writerFor(ArchitectureConfig.class).writeValueAsString(config);
            assertTrue(json.replaceAll("\\s", "").contains("\"type\":\"" + NAME + "\""), json);
            assertEquals(config, mapper.readValue(json, ArchitectureConfig.class), json);
        }
    }

    @Test
    void badValuesAreRejectedNamingTheFieldAndValue() {
        for (double k : new double[] {0, 2.5, 21, Double.NaN}) {
            ConfigException e = assertThrows(ConfigException.class, () -> new UnscaledTopKConfig(20, k));
            assertTrue(e.getMessage().startsWith("architecture.k = " + k + ": "), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> new UnscaledTopKConfig(0, 1));
        assertTrue(e.getMessage().startsWith("architecture.dSae = 0: "), e.getMessage());
    }

    @Test
    void theFactoryBuildsASaeFromDefaultsWithTheRunsSeed() {
        @SuppressWarnings("unchecked")
        ArchitectureFactory<UnscaledTopKConfig> factory = (ArchitectureFactory<UnscaledTopKConfig>) registry.architectures().get(NAME);
        Sae a = factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(3), List.of(), 50));
        Sae b = factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(3), List.of(), 50));
        Sae c = factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(4), List.of(), 50));
        assertEquals(50, a.inputDim());
        assertEquals(20, a.width());
        assertEquals(5, a.k());
        assertTrue(java.util.Arrays.equals(a.parameters().data(), b.parameters().data()), "same seed, same SAE");
        assertTrue(!java.util.Arrays.equals(a.parameters().data(), c.parameters().data()), "another seed, another SAE");
    }
}
