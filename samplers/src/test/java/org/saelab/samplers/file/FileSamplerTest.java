package org.saelab.samplers.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.ConfigException;
import org.saelab.api.GroundTruth;
import org.saelab.api.RunContext;
import org.saelab.api.Sampler;
import org.saelab.api.SamplerConfig;
import org.saelab.api.SeedStreams;
import org.saelab.api.io.Npy;
import org.saelab.api.io.NpyException;
import org.saelab.api.io.Safetensors;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

class FileSamplerTest {
    @TempDir
    Path dir;

    /** Row r of the data is (r, r + 0.5, r + 0.25): every value says where it came from. */
    private static float[] rows(int from, int count) {
        float[] out = new float[count * 3];
        for (int r = 0; r < count; r++) {
            out[r * 3] = from + r;
            out[r * 3 + 1] = from + r + 0.5f;
            out[r * 3 + 2] = from + r + 0.25f;
        }
        return out;
    }

    private Path npy(String name, int from, int count) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, Npy.encode(rows(from, count), count, 3));
        return file;
    }

    private static Sampler create(FileSamplerConfig config) {
        return new FileSamplerFactory().create(config, new RunContext(new SeedStreams(0), List.of(), 0));
    }

    private static float[] firstColumn(BatchStream stream, int size) {
        Batch batch = new Batch(size, 3, 0);
        stream.next(batch);
        float[] out = new float[size];
        for (int r = 0; r < size; r++) {
            assertEquals(batch.inputs[r * 3] + 0.5f, batch.inputs[r * 3 + 1]);
            out[r] = batch.inputs[r * 3];
        }
        return out;
    }

    @Test
    void rowsAreReadInOrderAcrossFilesWrappingAndTheHeldOutRowsOnlyForEvaluation() throws IOException {
        Path a = npy("a.npy", 0, 5);
        Path b = npy("b.npy", 5, 4);
        Sampler sampler = create(new FileSamplerConfig("", List.of(a.toString(), b.toString()), "", "", 2));
        assertEquals(3, sampler.inputDim());
        assertEquals(GroundTruth.NONE, sampler.groundTruth());
        assertEquals(0, sampler.numFeatures());
        BatchStream training = sampler.stream(1);
        assertArrayEquals(new float[] {0, 1, 2, 3}, firstColumn(training, 4));
        assertArrayEquals(new float[] {4, 5, 6, 0, 1, 2}, firstColumn(training, 6));
        assertArrayEquals(new float[] {7, 8, 7}, firstColumn(sampler.evaluationStream(1), 3));
        assertArrayEquals(firstColumn(sampler.stream(1), 7), firstColumn(sampler.stream(99), 7));
        Sampler noHoldOut = create(new FileSamplerConfig(a.toString(), List.of(), "", "", 0));
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 0}, firstColumn(noHoldOut.evaluationStream(1), 6));
    }

    @Test
    void safetensorsTensorsAndTrueDirectionsAreRead() throws IOException {
        Path file = dir.resolve("acts.safetensors");
        Files.write(file, Safetensors.encode(Map.of("acts", Safetensors.Tensor.f32(rows(10, 4), 4, 3),
                "other", Safetensors.Tensor.f32(new float[2], 2)), Map.of()));
        Path directions = dir.resolve("dirs.npy");
        Files.write(directions, Npy.encode(new float[] {1, 0, 0, 0, 1, 0}, 2, 3));
        Sampler sampler = create(new FileSamplerConfig(file.toString(), List.of(), "acts", directions.toString(), 1));
        assertArrayEquals(new float[] {10, 11, 12, 10}, firstColumn(sampler.stream(0), 4));
        assertEquals(GroundTruth.DIRECTIONS, sampler.groundTruth());
        assertEquals(2, sampler.numFeatures());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, sampler.directionsData());
        ConfigException two = assertThrows(ConfigException.class,
                () -> create(new FileSamplerConfig(file.toString(), List.of(), "", "", 0)));
        assertTrue(two.getMessage().contains("holds 2 tensors"), two.getMessage());
    }

    @Test
    void badInputIsOneClearError() throws IOException {
        Path a = npy("a.npy", 0, 5);
        assertMessage(() -> create(FileSamplerConfig.defaults()), "sampler.path = (empty)");
        assertMessage(() -> create(new FileSamplerConfig(a.toString(), List.of(), "", "", 5)), "sampler.heldOut = 5");
        assertMessage(() -> create(new FileSamplerConfig(dir.resolve("none.npy").toString(), List.of(), "", "", 0)),
                "none.npy: file not found");
        Path wide = dir.resolve("wide.npy");
        Files.write(wide, Npy.encode(new float[8], 2, 4));
        assertMessage(() -> create(new FileSamplerConfig("", List.of(a.toString(), wide.toString()), "", "", 0)), "has d_in 4");
        Path flat = dir.resolve("flat.npy");
        Files.write(flat, Npy.encode(new float[8], 8));
        assertMessage(() -> create(new FileSamplerConfig(flat.toString(), List.of(), "", "", 0)), "expected [N, d_in]");
        assertMessage(() -> create(new FileSamplerConfig(a.toString(), List.of(), "", wide.toString(), 0)),
                "sampler.directions = " + wide + ": shape (2, 4)");
        assertMessage(() -> new FileSamplerConfig(a.toString(), List.of(a.toString()), "", "", 0), "not both");
        byte[] bytes = Files.readAllBytes(a);
        Files.write(a, Arrays.copyOf(bytes, bytes.length - 2));
        assertMessage(() -> create(new FileSamplerConfig(a.toString(), List.of(), "", "", 0)), "(truncated)");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e instanceof ConfigException || e instanceof NpyException, e.toString());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void pluginFindsItAndTheConfigRoundTripsThroughTheRunnersMapper() throws IOException {
        PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader());
        assertTrue(registry.samplers().get("file") instanceof FileSamplerFactory, registry.samplers().keySet().toString());
        ObjectMapper json = Mappers.json(registry);
        FileSamplerConfig config = new FileSamplerConfig("", List.of("a.npy", "b.npy"), "acts", "d.npy", 7);
        String text = json.writerFor(SamplerConfig.class).writeValueAsString(config);
        assertTrue(text.contains("\"type\" : \"file\""), text);
        assertEquals(config, json.readValue(text, SamplerConfig.class));
    }
}
