package org.saelab.samplers.post20;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.junit.jupiter.api.Test;
import org.saelab.api.ConfigException;
import org.saelab.api.SamplerConfig;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

class Post20ConfigTest {
    private static void assertRejected(String field, String value, Runnable construct) {
        ConfigException error = assertThrows(ConfigException.class, construct::run);
        assertTrue(error.getMessage().contains("sampler." + field), error.getMessage());
        assertTrue(error.getMessage().contains(value), error.getMessage());
    }

    @Test
    void defaultsAreTheSpecsModel() {
        assertEquals(new Post20Config(20, 50, 0.25, 0.35, 0.05, 2.0, 1.0, 0.15, 0L), Post20Config.defaults());
    }

    @Test
    void badValuesAreRejectedWithTheirPathAndValue() {
        assertRejected("p0", "1.5", () -> new Post20Config(20, 50, 1.5, 0.35, 0.05, 2.0, 1.0, 0.15, 0L));
        assertRejected("pLast", "-0.1", () -> new Post20Config(20, 50, 0.25, 0.35, -0.1, 2.0, 1.0, 0.15, 0L));
        assertRejected("pFirst", "NaN", () -> new Post20Config(20, 50, 0.25, Double.NaN, 0.05, 2.0, 1.0, 0.15, 0L));
        assertRejected("inputDim", "19", () -> new Post20Config(20, 19, 0.25, 0.35, 0.05, 2.0, 1.0, 0.15, 0L));
        assertRejected("numFeatures", "1", () -> new Post20Config(1, 50, 0.25, 0.35, 0.05, 2.0, 1.0, 0.15, 0L));
        assertRejected("boost", "-1.0", () -> new Post20Config(20, 50, 0.25, 0.35, 0.05, -1.0, 1.0, 0.15, 0L));
        assertRejected("boost", "Infinity",
                () -> new Post20Config(20, 50, 0.25, 0.35, 0.05, Double.POSITIVE_INFINITY, 1.0, 0.15, 0L));
        assertRejected("magnitudeStd", "-0.15", () -> new Post20Config(20, 50, 0.25, 0.35, 0.05, 2.0, 1.0, -0.15, 0L));
        assertRejected("magnitudeMean", "NaN",
                () -> new Post20Config(20, 50, 0.25, 0.35, 0.05, 2.0, Double.NaN, 0.15, 0L));
    }

    @Test
    void boundaryValuesAreAccepted() {
        // inputDim = numFeatures, certain and impossible features, no boost, fixed magnitudes
        Post20Config config = new Post20Config(2, 2, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, -3L);
        assertEquals(2, new Post20Sampler(config).numFeatures());
    }

    @Test
    void roundTripsThroughTheRunnersMapper() throws Exception {
        ObjectMapper mapper = Mappers.json(PluginRegistry.discover(getClass().getClassLoader()));
        // every field differs from the defaults, so a field that is dropped or swapped shows
        SamplerConfig config = new Post20Config(12, 30, 0.2, 0.4, 0.1, 1.5, 0.9, 0.2, 77L);
        String json = mapper.writerFor(SamplerConfig.class).writeValueAsString(config);
        assertTrue(json.replaceAll("\\s", "").contains("\"type\":\"post20\""), json);
        assertEquals(config, mapper.readValue(json, SamplerConfig.class));
    }

    @Test
    void unknownAndMissingFieldsAndBadValuesAreRejectedWhenRead() throws Exception {
        ObjectMapper mapper = Mappers.json(PluginRegistry.discover(getClass().getClassLoader()));
        String json = mapper.writerFor(SamplerConfig.class).writeValueAsString(Post20Config.defaults());
        assertEquals(Post20Config.defaults(), mapper.readValue(json, SamplerConfig.class));

        String unknown = json.replaceFirst("\\{", "{ \"pMiddle\" : 0.2,");
        UnrecognizedPropertyException error =
                assertThrows(UnrecognizedPropertyException.class, () -> mapper.readValue(unknown, SamplerConfig.class));
        assertTrue(error.getMessage().contains("pMiddle"), error.getMessage());

        String missing = json.replaceFirst("\"boost\"\\s*:\\s*2.0\\s*,", "");
        assertTrue(!missing.contains("boost"), missing);
        assertThrows(JsonProcessingException.class, () -> mapper.readValue(missing, SamplerConfig.class));

        String bad = json.replaceFirst("\"p0\"\\s*:\\s*0.25", "\"p0\" : 1.5");
        assertTrue(bad.contains("1.5"), bad);
        JsonProcessingException badValue =
                assertThrows(JsonProcessingException.class, () -> mapper.readValue(bad, SamplerConfig.class));
        Throwable cause = badValue;
        while (cause.getCause() != null && !(cause instanceof ConfigException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(ConfigException.class, cause);
        assertTrue(cause.getMessage().contains("sampler.p0 = 1.5"), cause.getMessage());
    }
}
