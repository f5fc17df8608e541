package org.saelab.samplers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.Batch;
import org.saelab.api.RunContext;
import org.saelab.api.Sampler;
import org.saelab.api.SamplerConfig;
import org.saelab.api.SamplerFactory;
import org.saelab.api.SeedStreams;
import org.saelab.runner.wiring.PluginRegistry;
import org.saelab.samplers.post20.Post20Config;
import org.saelab.samplers.post20.Post20Factory;

class SamplersPluginTest {
    @Test
    void serviceLoaderFindsThePluginAndItsSampler() {
        PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());
        assertTrue(registry.plugins().stream().anyMatch(plugin -> plugin instanceof SamplersPlugin),
                "plugins: " + registry.plugins());
        assertEquals("core-samplers", new SamplersPlugin().name());
        assertTrue(registry.samplers().containsKey("post20"), "samplers: " + registry.samplers().keySet());
        SamplerFactory<?> factory = registry.samplers().get("post20");
        assertInstanceOf(Post20Factory.class, factory);
        assertEquals("post20", factory.name());
        assertEquals(Post20Config.class, factory.configType());
        assertTrue(!factory.description().isBlank() && !factory.description().contains("\n"));
    }

    @Test
    void factoryBuildsAWorkingSamplerFromItsDefaults() {
        SamplerFactory<?> factory = PluginRegistry.discover(getClass().getClassLoader()).samplers().get("post20");
        Sampler sampler = buildDefault(factory);
        assertEquals(20, sampler.numFeatures());
        assertEquals(50, sampler.inputDim());
        assertEquals(5.0, sampler.expectedL0().orElseThrow(), 1e-12);

        Batch batch = new Batch(10_000, sampler.inputDim(), sampler.numFeatures());
        sampler.stream(3L).next(batch);
        long firing = 0;
        for (float f : batch.features) {
            firing += f > 0 ? 1 : 0;
        }
        // L0 over 10,000 samples: 5 ± 5 standard errors (per-sample std ≈ 1.6, so 5·1.6/100 = 0.08)
        assertEquals(5.0, firing / 10_000.0, 0.08);
        double inputNorm = 0;
        for (float x : batch.inputs) {
            inputNorm += x * x;
        }
        assertTrue(inputNorm > 0, "inputs are drawn");
    }

    private static <C extends SamplerConfig> Sampler buildDefault(SamplerFactory<C> factory) {
        return factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(1L), List.of(), 50));
    }
}
