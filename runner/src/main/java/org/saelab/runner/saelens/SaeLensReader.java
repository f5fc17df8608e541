package org.saelab.runner.saelens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.saelab.api.io.Safetensors;
import org.saelab.api.io.SafetensorsException;

/**
 * Reads a SAELens SAE folder (cfg.json + sae_weights.safetensors) of architecture jumprelu, topk
 * or standard into a {@link LoadedSae}. Only what saelab can evaluate faithfully is accepted:
 * float32, no activation normalisation, no reshaping; anything else is an error naming the file
 * and field.
 */
public final class SaeLensReader {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private SaeLensReader() {}

    public static LoadedSae read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SaeLensException(dir + ": not a folder (expected a SAELens SAE folder with "
                    + SaeLensFormat.CONFIG_FILE + " and " + SaeLensFormat.WEIGHTS_FILE + ")");
        }
        Path cfgFile = dir.resolve(SaeLensFormat.CONFIG_FILE);
        JsonNode cfg;
        try {
            cfg = JSON.readTree(Files.readString(cfgFile));
        } catch (NoSuchFileException e) {
            throw new SaeLensException(cfgFile + ": file not found");
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new SaeLensException(cfgFile + ": not valid JSON: " + message, e);
        }
        if (cfg == null || !cfg.isObject()) {
            throw new SaeLensException(cfgFile + ": expected a JSON object");
        }
        String architecture = text(cfg, "architecture", cfgFile);
        if (!Set.of("jumprelu", "topk", "standard").contains(architecture)) {
            throw new SaeLensException(cfgFile + ": architecture = " + architecture + ": unsupported; supported: jumprelu, standard, topk");
        }
        int dIn = positiveInt(cfg, "d_in", cfgFile);
        int dSae = positiveInt(cfg, "d_sae", cfgFile);
        String dtype = text(cfg, "dtype", cfgFile);
        if (!dtype.equals("float32") && !dtype.equals("torch.float32")) {
            throw new SaeLensException(cfgFile + ": dtype = " + dtype + ": only float32 is supported");
        }
        boolean applyBDec = optionalBoolean(cfg, "apply_b_dec_to_input", true, cfgFile);
        JsonNode normalize = cfg.get("normalize_activations");
        if (normalize != null && !normalize.isNull() && !normalize.asText().equals("none")) {
            throw new SaeLensException(cfgFile + ": normalize_activations = " + normalize
                    + ": only \"none\" is supported (fold the scaling into the weights first)");
        }
        JsonNode reshape = cfg.get("reshape_activations");
        if (reshape != null && !reshape.isNull() && !reshape.asText().equals("none")) {
            throw new SaeLensException(cfgFile + ": reshape_activations = " + reshape + ": only \"none\" is supported");
        }
        int k = 0;
        boolean rescale = false;
        if (architecture.equals("topk")) {
            k = positiveInt(cfg, "k", cfgFile);
            if (k > dSae) {
                throw new SaeLensException(cfgFile + ": k = " + k + ": must be <= d_sae (" + dSae + ")");
            }
            rescale = optionalBoolean(cfg, "rescale_acts_by_decoder_norm", false, cfgFile);
        }

        Path weightsFile = dir.resolve(SaeLensFormat.WEIGHTS_FILE);
        if (!Files.exists(weightsFile)) {
            throw new SaeLensException(weightsFile + ": file not found");
        }
        Map<String, Safetensors.Tensor> tensors;
        try {
            tensors = Safetensors.read(weightsFile).tensors();
        } catch (SafetensorsException e) {
            throw new SaeLensException(e.getMessage(), e);
        }
        Set<String> expected = new TreeSet<>(Set.of("W_enc", "b_enc", "W_dec", "b_dec"));
        if (architecture.equals("jumprelu")) {
            expected.add("threshold");
        }
        for (String name : tensors.keySet()) {
            if (!expected.contains(name)) {
                throw new SaeLensException(weightsFile + ": tensor " + name + ": unexpected for architecture " + architecture
                        + "; expected: " + String.join(", ", expected));
            }
        }
        float[] wEnc = tensor(tensors, "W_enc", weightsFile, dIn, dSae);
        float[] bEnc = tensor(tensors, "b_enc", weightsFile, dSae);
        float[] wDec = tensor(tensors, "W_dec", weightsFile, dSae, dIn);
        float[] bDec = tensor(tensors, "b_dec", weightsFile, dIn);
        float[] threshold = architecture.equals("jumprelu") ? tensor(tensors, "threshold", weightsFile, dSae) : null;
        JsonNode version = cfg.path("metadata").path("sae_lens_version");
        return new LoadedSae(architecture, dIn, dSae, wEnc, bEnc, wDec, bDec, threshold, k, rescale, applyBDec,
                version.isTextual() ? version.asText() : null);
    }

    private static String text(JsonNode cfg, String field, Path file) {
        JsonNode node = cfg.get(field);
        if (node == null || node.isNull()) {
            throw new SaeLensException(file + ": field " + field + " is missing");
        }
        if (!node.isTextual()) {
            throw new SaeLensException(file + ": " + field + " = " + node + ": expected a string");
        }
        return node.asText();
    }

    private static int positiveInt(JsonNode cfg, String field, Path file) {
        JsonNode node = cfg.get(field);
        if (node == null || node.isNull()) {
            throw new SaeLensException(file + ": field " + field + " is missing");
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() <= 0) {
            throw new SaeLensException(file + ": " + field + " = " + node + ": expected an integer > 0");
        }
        return node.asInt();
    }

    private static boolean optionalBoolean(JsonNode cfg, String field, boolean fallback, Path file) {
        JsonNode node = cfg.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new SaeLensException(file + ": " + field + " = " + node + ": expected true or false");
        }
        return node.asBoolean();
    }

    private static float[] tensor(Map<String, Safetensors.Tensor> tensors, String name, Path file, long... shape) {
        Safetensors.Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new SaeLensException(file + ": tensor " + name + " is missing");
        }
        if (!tensor.dtype().equals("F32")) {
            throw new SaeLensException(file + ": tensor " + name + ": dtype " + tensor.dtype() + ": only F32 is supported");
        }
        if (!Arrays.equals(tensor.shape(), shape)) {
            throw new SaeLensException(file + ": tensor " + name + ": shape " + Arrays.toString(tensor.shape())
                    + " but cfg.json's d_in and d_sae need " + Arrays.toString(shape));
        }
        float[] values = tensor.floats();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new SaeLensException(file + ": tensor " + name + ": value " + i + " is " + values[i]);
            }
        }
        return values;
    }
}
