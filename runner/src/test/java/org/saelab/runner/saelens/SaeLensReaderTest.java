package org.saelab.runner.saelens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saelab.api.Inference;
import org.saelab.api.io.Safetensors;

class SaeLensReaderTest {
    @TempDir
    Path dir;

    // d_in 2, d_sae 3; W_enc [2, 3], W_dec [3, 2]; decoder row 0 has norm 2
    private static final float[] W_ENC = {1, 0, 1, 0, 1, -1};
    private static final float[] B_ENC = {0, -0.5f, 0};
    private static final float[] W_DEC = {2, 0, 0, 1, 0.6f, 0.8f};
    private static final float[] B_DEC = {0.5f, 0};

    private Path folder(String cfg, Map<String, Safetensors.Tensor> tensors) throws IOException {
        Path sae = Files.createTempDirectory(dir, "sae");
        Files.writeString(sae.resolve("cfg.json"), cfg);
        Files.write(sae.resolve("sae_weights.safetensors"), Safetensors.encode(tensors, Map.of()));
        return sae;
    }

    private static Map<String, Safetensors.Tensor> weights(boolean threshold) {
        Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
        t.put("W_enc", Safetensors.Tensor.f32(W_ENC, 2, 3));
        t.put("b_enc", Safetensors.Tensor.f32(B_ENC, 3));
        t.put("W_dec", Safetensors.Tensor.f32(W_DEC, 3, 2));
        t.put("b_dec", Safetensors.Tensor.f32(B_DEC, 2));
        if (threshold) {
            t.put("threshold", Safetensors.Tensor.f32(new float[] {0.7f, 0.1f, 0.2f}, 3));
        }
        return t;
    }

    private static String cfg(String architecture, String extra) {
        return "{\"architecture\": \"" + architecture + "\", \"d_in\": 2, \"d_sae\": 3, \"dtype\": \"float32\","
                + " \"apply_b_dec_to_input\": true, \"normalize_activations\": \"none\"" + extra
                + ", \"metadata\": {\"sae_lens_version\": \"6.18.0\"}}";
    }

    private static float[] activations(LoadedSae sae, float... x) {
        float[] a = new float[3];
        sae.infer(x, 1, Inference.THRESHOLD, Double.NaN, a);
        return a;
    }

    @Test
    void eachArchitectureComputesWhatSaeLensComputes() throws IOException {
        // x = (1.5, 2): centred (1, 2); pre = (1·1 + 2·0, 1·0 + 2·1 − 0.5, 1·1 + 2·(−1)) = (1, 1.5, −1)
        LoadedSae standard = SaeLensReader.read(folder(cfg("standard", ""), weights(false)));
        assertArrayEquals(new float[] {1, 1.5f, 0}, activations(standard, 1.5f, 2));
        float[] reconstruction = new float[2];
        standard.decodeActivations(new float[] {1, 1.5f, 0}, 1, reconstruction);
        assertArrayEquals(new float[] {0.5f + 2, 1.5f}, reconstruction, 1e-6f);

        LoadedSae jumpRelu = SaeLensReader.read(folder(cfg("jumprelu", ""), weights(true)));
        assertArrayEquals(new float[] {1, 1.5f, 0}, activations(jumpRelu, 1.5f, 2));
        // x = (1.1, 0.5): pre = (0.6, 0, 0.1), each at or under its threshold (0.7, 0.1, 0.2)
        assertArrayEquals(new float[] {0, 0, 0}, activations(jumpRelu, 1.1f, 0.5f));

        // topk k = 1 with rescaling: pre ⊙ ‖W_dec‖ = (2, 1.5, −1): latent 0 wins, decoded as 2 / 2 · W_dec[0]
        LoadedSae topK = SaeLensReader.read(folder(cfg("topk", ", \"k\": 1, \"rescale_acts_by_decoder_norm\": true"),
                weights(false)));
        float[] a = activations(topK, 1.5f, 2);
        assertArrayEquals(new float[] {2, 0, 0}, a);
        topK.decodeActivations(a, 1, reconstruction);
        assertArrayEquals(new float[] {0.5f + 2, 0}, reconstruction, 1e-6f);
        assertEquals(1.0, topK.k());
        assertEquals("6.18.0", topK.saeLensVersion());
    }

    private void assertRejected(String cfg, Map<String, Safetensors.Tensor> tensors, String... expected) throws IOException {
        Path sae = folder(cfg, tensors);
        SaeLensException e = assertThrows(SaeLensException.class, () -> SaeLensReader.read(sae));
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void badFoldersAreRejectedNamingFileAndField() throws IOException {
        assertRejected("{not json", weights(false), "cfg.json: not valid JSON");
        assertRejected("[1]", weights(false), "cfg.json: expected a JSON object");
        assertRejected(cfg("gated", ""), weights(false), "architecture = gated: unsupported");
        assertRejected(cfg("standard", "").replace("\"d_sae\": 3,", ""), weights(false), "cfg.json: field d_sae is missing");
        assertRejected(cfg("standard", "").replace("\"d_in\": 2", "\"d_in\": \"2\""), weights(false), "d_in = \"2\"");
        assertRejected(cfg("standard", "").replace("float32", "bfloat16"), weights(false), "dtype = bfloat16");
        assertRejected(cfg("standard", "").replace("\"none\"", "\"layer_norm\""), weights(false), "normalize_activations");
        assertRejected(cfg("topk", ""), weights(false), "field k is missing");
        assertRejected(cfg("topk", ", \"k\": 4"), weights(false), "k = 4: must be <= d_sae");
        assertRejected(cfg("jumprelu", ""), weights(false), "sae_weights.safetensors: tensor threshold is missing");
        assertRejected(cfg("standard", ""), weights(true), "tensor threshold: unexpected for architecture standard");
        Map<String, Safetensors.Tensor> wrongShape = weights(false);
        wrongShape.put("W_enc", Safetensors.Tensor.f32(W_ENC, 3, 2));
        assertRejected(cfg("standard", ""), wrongShape, "tensor W_enc: shape [3, 2]", "need [2, 3]");
        Map<String, Safetensors.Tensor> half = weights(false);
        half.put("b_dec", new Safetensors.Tensor("F16", new long[] {2}, new byte[4]));
        assertRejected(cfg("standard", ""), half, "tensor b_dec: dtype F16");
        Path noWeights = folder(cfg("standard", ""), weights(false));
        Files.delete(noWeights.resolve("sae_weights.safetensors"));
        SaeLensException missing = assertThrows(SaeLensException.class, () -> SaeLensReader.read(noWeights));
        assertTrue(missing.getMessage().endsWith("sae_weights.safetensors: file not found"), missing.getMessage());
        Path truncated = folder(cfg("standard", ""), weights(false));
        byte[] bytes = Files.readAllBytes(truncated.resolve("sae_weights.safetensors"));
        Files.write(truncated.resolve("sae_weights.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 4));
        SaeLensException cut = assertThrows(SaeLensException.class, () -> SaeLensReader.read(truncated));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
    }
}
