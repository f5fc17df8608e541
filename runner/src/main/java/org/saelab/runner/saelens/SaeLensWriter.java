package org.saelab.runner.saelens;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.saelab.api.Sae;
import org.saelab.api.SaeLensForm;
import org.saelab.api.SaeParameters;
import org.saelab.api.io.Safetensors;
import org.saelab.runner.output.AtomicFiles;

/** Writes an SAE as a SAELens inference folder ({@link SaeLensFormat}): cfg.json and the weights. */
public final class SaeLensWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    private SaeLensWriter() {}

    /** The weights as saved: decoder norms folded when the form says so, plus the JumpReLU threshold. */
    public static Map<String, Safetensors.Tensor> tensors(Sae sae, SaeLensForm form) {
        SaeParameters p = sae.parameters();
        int dIn = sae.inputDim();
        int dSae = sae.width();
        float[] wEnc = p.copy(p.wEncOffset(), dIn * dSae);
        float[] bEnc = p.copy(p.bEncOffset(), dSae);
        float[] wDec = p.copy(p.wDecOffset(), dIn * dSae);
        float[] bDec = p.copy(p.bDecOffset(), dIn);
        if (form.foldDecoderNorms()) {
            for (int j = 0; j < dSae; j++) {
                double sum = 0;
                for (int i = 0; i < dIn; i++) {
                    double v = wDec[j * dIn + i];
                    sum += v * v;
                }
                float norm = (float) Math.sqrt(sum);
                if (norm == 0f) {
                    // a zero decoder row decodes nothing either way; leave the latent as it is
                    continue;
                }
                for (int i = 0; i < dIn; i++) {
                    wDec[j * dIn + i] /= norm;
                    wEnc[i * dSae + j] *= norm;
                }
                bEnc[j] *= norm;
            }
        }
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("W_dec", Safetensors.Tensor.f32(wDec, dSae, dIn));
        tensors.put("W_enc", Safetensors.Tensor.f32(wEnc, dIn, dSae));
        tensors.put("b_dec", Safetensors.Tensor.f32(bDec, dIn));
        tensors.put("b_enc", Safetensors.Tensor.f32(bEnc, dSae));
        if (form.threshold() != null) {
            float[] threshold = new float[dSae];
            Arrays.fill(threshold, form.threshold().floatValue());
            tensors.put("threshold", Safetensors.Tensor.f32(threshold, dSae));
        }
        return tensors;
    }

    /**
     * cfg.json: SAELens's SAEConfig fields, the architecture's own (k and
     * rescale_acts_by_decoder_norm for topk), and metadata with the format version and where the
     * SAE comes from ({@code extra}, e.g. saelab_experiment).
     */
    public static ObjectNode config(Sae sae, SaeLensForm form, Map<String, String> extra) {
        ObjectNode cfg = JsonNodeFactory.instance.objectNode();
        cfg.put("architecture", form.architecture());
        cfg.put("d_in", sae.inputDim());
        cfg.put("d_sae", sae.width());
        cfg.put("dtype", "float32");
        cfg.put("device", "cpu");
        cfg.put("apply_b_dec_to_input", true);
        cfg.put("normalize_activations", "none");
        cfg.put("reshape_activations", "none");
        if (form.k() != null) {
            cfg.put("k", form.k());
            // the folded decoder has unit rows, so rescaling by its norms changes nothing
            cfg.put("rescale_acts_by_decoder_norm", form.foldDecoderNorms());
        }
        ObjectNode metadata = cfg.putObject("metadata");
        metadata.put("sae_lens_version", SaeLensFormat.FORMAT_VERSION);
        // not trained by SAELens; without the key SAELens would fill in its own version
        metadata.putNull("sae_lens_training_version");
        extra.forEach(metadata::put);
        return cfg;
    }

    /** Writes {@code dir}/cfg.json and {@code dir}/sae_weights.safetensors (each atomically). */
    public static void write(Path dir, Sae sae, SaeLensForm form, Map<String, String> extra) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(dir.resolve(SaeLensFormat.WEIGHTS_FILE),
                    Safetensors.encode(tensors(sae, form), Map.of("format", "pt")));
            AtomicFiles.write(dir.resolve(SaeLensFormat.CONFIG_FILE), JSON.writeValueAsBytes(config(sae, form, extra)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise cfg.json", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        }
    }
}
