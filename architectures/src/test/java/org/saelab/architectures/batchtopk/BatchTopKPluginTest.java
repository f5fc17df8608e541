package org.saelab.architectures.batchtopk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.ArchitectureConfig;
import org.saelab.api.ConfigException;
import org.saelab.api.Inference;
import org.saelab.api.RunContext;
import org.saelab.api.Sae;
import org.saelab.api.SeedStreams;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** Discovery, config round trip, validation, selection and inference of batchtopk. */
class BatchTopKPluginTest {
    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());

    @Test
    void discoveredAndBuiltFromDefaults() {
        assertTrue(registry.architectures().containsKey("batchtopk"));
        BatchTopKFactory factory = new BatchTopKFactory();
        Sae a = factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(0), List.of(), 50));
        Sae b = factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(0), List.of(), 50));
        Sae c = factory.create(factory.defaultConfig(), new RunContext(new SeedStreams(1), List.of(), 50));
        assertEquals(20, a.width());
        assertEquals(5, a.k());
        assertArrayEquals(a.parameters().data(), b.parameters().data());
        assertFalse(Arrays.equals(a.parameters().data(), c.parameters().data()));
    }

    @Test
    void configRoundTripsThroughTheRunnersMapper() throws Exception {
        ObjectMapper mapper = Mappers.json(registry);
        BatchTopKConfig config = new BatchTopKConfig(32, 1.8);
        String json = mapper.writerFor(ArchitectureConfig.class).writeValueAsString(config);
        assertTrue(json.replaceAll("\\s", "").contains("\"type\":\"batchtopk\""), json);
        assertEquals(config, mapper.readValue(json, ArchitectureConfig.class));
    }

    @Test
    void badKIsRejectedNamingTheField() {
        for (double k : new double[] {0, -1, 21}) {
            ConfigException e = assertThrows(ConfigException.class, () -> new BatchTopKConfig(20, k));
            assertTrue(e.getMessage().startsWith("architecture.k = " + k), e.getMessage());
        }
    }

    @Test
    void fractionalKKeepsFloorOfKTimesBatchLargestValuesOverTheBatch() {
        BatchTopKSae sae = new BatchTopKSae(4, new BatchTopKConfig(6, 1.8));
        TrainingState state = new TrainingState(10, 4, 6, 1);
        for (int e = 0; e < state.pre.length; e++) {
            state.pre[e] = (e * 37 % 61) / 61f - 0.2f;
        }
        SparseCode code = new SparseCode(60);
        sae.select(state, 1.8, code);
        assertEquals(18, code.count());
        float[] sorted = state.pre.clone();
        Arrays.sort(sorted);
        float eighteenth = sorted[sorted.length - 18];
        for (int e = 0; e < code.count(); e++) {
            assertTrue(code.values[e] >= eighteenth);
            assertTrue(e == 0 || code.rows[e] * 6 + code.latents[e] > code.rows[e - 1] * 6 + code.latents[e - 1]);
        }
    }

    @Test
    void inferenceByTopKOrByTheLearntThreshold() {
        BatchTopKSae sae = new BatchTopKSae(3, new BatchTopKConfig(4, 2));
        sae.initialiseRandom(7);
        int rows = 50;
        float[] x = new float[rows * 3];
        for (int e = 0; e < x.length; e++) {
            x[e] = (float) Math.sin(e * 1.3);
        }
        float[] topk = new float[rows * 4];
        sae.infer(x, rows, Inference.TOPK, 1.5, topk);
        assertEquals(75, Arrays.stream(toDouble(topk)).filter(v -> v != 0).count(), "⌊1.5·50⌋ active");
        sae.setThreshold(0.02);
        float[] dense = new float[rows * 4];
        float[] thresholded = new float[rows * 4];
        sae.infer(x, rows, Inference.THRESHOLD, 1e9, thresholded);
        sae.setThreshold(0);
        sae.infer(x, rows, Inference.THRESHOLD, 1e9, dense);
        for (int e = 0; e < dense.length; e++) {
            assertEquals(dense[e] > 0.02f ? dense[e] : 0f, thresholded[e]);
        }
    }

    @Test
    void thresholdIsAnAverageOfTheSmallestKeptActivation() {
        BatchTopKSae sae = new BatchTopKSae(3, new BatchTopKConfig(4, 2));
        TrainingState state = new TrainingState(2, 3, 4, 1);
        state.main.add(0, 1, 0.5f);
        state.main.add(1, 2, 0.25f);
        sae.setThreshold(1.0);
        sae.afterStep(state);
        assertEquals(0.99 * 1.0 + 0.01 * 0.25, sae.threshold(), 1e-12);
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
