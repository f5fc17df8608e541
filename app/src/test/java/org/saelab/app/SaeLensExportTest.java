package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saelab.api.ComponentSpec;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.EvaluationContext;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.Inference;
import org.saelab.api.MetricValue;
import org.saelab.api.RunSpec;
import org.saelab.api.Sae;
import org.saelab.api.SaeLensForm;
import org.saelab.api.TrainingConfig;
import org.saelab.api.io.Npy;
import org.saelab.api.io.Safetensors;
import org.saelab.runner.config.SpecResolver;
import org.saelab.runner.saelens.LoadedSae;
import org.saelab.runner.saelens.SaeLensReader;
import org.saelab.runner.saelens.SaeLensWriter;
import org.saelab.runner.train.Evaluator;
import org.saelab.runner.train.RunExecutor;
import org.saelab.runner.train.RunOutcome;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/**
 * A trained BatchTopK SAE saved as SAELens saves it (JumpReLU, decoder norms folded into the
 * encoder) must compute what the trained SAE computes in threshold inference mode.
 */
class SaeLensExportTest {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover(SaeLensExportTest.class.getClassLoader());

    @TempDir
    static Path dir;
    private static RunOutcome outcome;
    private static Path saeDir;

    @BeforeAll
    static void trainAndExport() {
        ExperimentSpec experiment = new ExperimentSpec(ComponentSpec.of("post20"),
                ComponentSpec.of("batchtopk", "dSae", 20, "k", 5.0),
                List.of(ComponentSpec.of("mse"), ComponentSpec.of("auxk")),
                new TrainingConfig(400_000, 1024, 3e-4, 0.9, 0.999, 1e-8, 3, "random"),
                new EvaluationConfig(20_000, Inference.THRESHOLD, null, 0, 0.9));
        RunSpec spec = new SpecResolver(Mappers.json(REGISTRY), Mappers.yaml(REGISTRY), REGISTRY)
                .resolve(experiment, SpecResolver.Overrides.none());
        RunExecutor executor = new RunExecutor(REGISTRY);
        outcome = executor.run(executor.prepare(spec, List.of()), List.of(), List.copyOf(REGISTRY.metrics().values()));
        saeDir = dir.resolve("sae");
        SaeLensForm form = outcome.sae().saeLensForm().orElseThrow();
        SaeLensWriter.write(saeDir, outcome.sae(), form, Map.of("saelab_run", "test"));
    }

    private static double mse(float[] x, float[] reconstruction) {
        double sum = 0;
        for (int e = 0; e < x.length; e++) {
            double d = reconstruction[e] - x[e];
            sum += d * d;
        }
        return sum * 50 / x.length;
    }

    /** JumpReLU written out here from the saved tensors: pre = (x − b_dec)·W_enc + b_enc, a = pre·[pre > θ]. */
    private static float[] jumpReluReconstruction(Map<String, Safetensors.Tensor> t, float[] x, int rows) {
        float[] wEnc = t.get("W_enc").floats();
        float[] bEnc = t.get("b_enc").floats();
        float[] wDec = t.get("W_dec").floats();
        float[] bDec = t.get("b_dec").floats();
        float[] threshold = t.get("threshold").floats();
        int dIn = bDec.length;
        int dSae = bEnc.length;
        float[] out = new float[rows * dIn];
        for (int b = 0; b < rows; b++) {
            for (int i = 0; i < dIn; i++) {
                out[b * dIn + i] = bDec[i];
            }
            for (int j = 0; j < dSae; j++) {
                double pre = bEnc[j];
                for (int i = 0; i < dIn; i++) {
                    pre += (x[b * dIn + i] - bDec[i]) * wEnc[i * dSae + j];
                }
                double a = pre > threshold[j] ? pre : 0;
                for (int i = 0; i < dIn; i++) {
                    out[b * dIn + i] += (float) (a * wDec[j * dIn + i]);
                }
            }
        }
        return out;
    }

    private static double metric(String name) {
        return ((MetricValue.Scalar) outcome.metrics().get(name)).value();
    }

    @Test
    void foldedJumpReluReconstructsTheEvaluationBatchWithTheTrainedSaesMse() {
        Sae sae = outcome.sae();
        float[] norms = new float[sae.width()];
        ((org.saelab.api.LinearSae) sae).decoderNorms(norms);
        double spread = 0;
        for (float n : norms) {
            spread = Math.max(spread, Math.abs(n - 1));
        }
        assertTrue(spread > 0.05, "decoder norms must differ from 1 for the folding to matter: " + spread);
        assertTrue(sae.threshold() > 0, "threshold " + sae.threshold());

        Map<String, Safetensors.Tensor> tensors = Safetensors.read(saeDir.resolve("sae_weights.safetensors")).tensors();
        assertEquals(List.of("W_dec", "W_enc", "b_dec", "b_enc", "threshold"), List.copyOf(tensors.keySet()));
        float[] wDec = tensors.get("W_dec").floats();
        for (int j = 0; j < sae.width(); j++) {
            double norm = 0;
            for (int i = 0; i < sae.inputDim(); i++) {
                norm += wDec[j * sae.inputDim() + i] * wDec[j * sae.inputDim() + i];
            }
            assertEquals(1.0, Math.sqrt(norm), 1e-5, "saved decoder row " + j);
        }
        EvaluationContext evaluation = outcome.evaluation();
        double exported = mse(evaluation.inputs(), jumpReluReconstruction(tensors, evaluation.inputs(), evaluation.samples()));
        assertEquals(metric("mse"), exported, 1e-5 * metric("mse"), "threshold-mode MSE of the trained SAE");

        // the same weights without folding reconstruct differently: the test sees the folding
        Map<String, Safetensors.Tensor> unfolded = new java.util.LinkedHashMap<>(
                SaeLensWriter.tensors(sae, new SaeLensForm("jumprelu", false, null, sae.threshold())));
        double wrong = mse(evaluation.inputs(), jumpReluReconstruction(unfolded, evaluation.inputs(), evaluation.samples()));
        assertTrue(Math.abs(wrong - exported) > 1e-3 * exported, "unfolded " + wrong + " vs folded " + exported);
    }

    @Test
    void readingTheFolderBackGivesTheSameMetrics() {
        LoadedSae loaded = SaeLensReader.read(saeDir);
        assertEquals("jumprelu", loaded.architecture());
        assertEquals("6.0.0", loaded.saeLensVersion());
        EvaluationContext evaluation = outcome.evaluation();
        org.saelab.api.Batch batch = new org.saelab.api.Batch(evaluation.samples(), evaluation.inputDim(), evaluation.numFeatures());
        System.arraycopy(evaluation.inputs(), 0, batch.inputs, 0, batch.inputs.length);
        System.arraycopy(evaluation.features(), 0, batch.features, 0, batch.features.length);
        EvaluationContext again = Evaluator.context(loaded, evaluation.directions(), batch, evaluation.config());
        Map<String, MetricValue> metrics = Evaluator.metrics(again, List.copyOf(REGISTRY.metrics().values()));
        for (String name : List.of("mse", "varianceExplained", "saeL0", "mcc", "meanMaxCos", "hedging", "decoderPairwiseCos")) {
            double expected = metric(name);
            double actual = ((MetricValue.Scalar) metrics.get(name)).value();
            assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), name);
        }
        assertEquals(metric("recoveredFeatures"), ((MetricValue.Scalar) metrics.get("recoveredFeatures")).value());
    }

    /** What a Python user without torch can do: the folder and the npy batch, read with the standard library. */
    @Test
    void pythonStandardLibraryReconstructsWithTheSavedJumpRelu() throws IOException, InterruptedException {
        EvaluationContext evaluation = outcome.evaluation();
        int rows = 200;
        Path inputs = dir.resolve("inputs.npy");
        Files.write(inputs, Npy.encode(java.util.Arrays.copyOf(evaluation.inputs(), rows * 50), rows, 50));
        String script = String.join("\n",
                "import ast, json, struct, sys",
                "cfg = json.load(open(sys.argv[1] + '/cfg.json'))",
                "assert cfg['architecture'] == 'jumprelu' and cfg['apply_b_dec_to_input'] is True",
                "assert cfg['metadata']['sae_lens_version'] == '6.0.0'",
                "data = open(sys.argv[1] + '/sae_weights.safetensors', 'rb').read()",
                "n = struct.unpack('<Q', data[:8])[0]",
                "header = json.loads(data[8:8 + n])",
                "def tensor(name):",
                "    t = header[name]; b, e = t['data_offsets']",
                "    assert t['dtype'] == 'F32'",
                "    return t['shape'], struct.unpack('<%df' % ((e - b) // 4), data[8 + n + b:8 + n + e])",
                "(d_in, d_sae), W_enc = tensor('W_enc')",
                "_, W_dec = tensor('W_dec'); _, b_enc = tensor('b_enc'); _, b_dec = tensor('b_dec'); _, thr = tensor('threshold')",
                "assert (d_in, d_sae) == (cfg['d_in'], cfg['d_sae'])",
                "raw = open(sys.argv[2], 'rb').read()",
                "hl = struct.unpack('<H', raw[8:10])[0]",
                "shape = ast.literal_eval(raw[10:10 + hl].decode('latin1'))['shape']",
                "x = struct.unpack('<%df' % (shape[0] * shape[1]), raw[10 + hl:])",
                "total = 0.0",
                "for r in range(shape[0]):",
                "    row = x[r * d_in:(r + 1) * d_in]",
                "    c = [row[i] - b_dec[i] for i in range(d_in)]",
                "    out = list(b_dec)",
                "    for j in range(d_sae):",
                "        pre = b_enc[j] + sum(c[i] * W_enc[i * d_sae + j] for i in range(d_in))",
                "        if pre > thr[j]:",
                "            for i in range(d_in): out[i] += pre * W_dec[j * d_in + i]",
                "    total += sum((out[i] - row[i]) ** 2 for i in range(d_in))",
                "print(repr(total / shape[0]))");
        Process process = new ProcessBuilder("python3", "-c", script, saeDir.toString(), inputs.toString())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        double python = Double.parseDouble(out.strip());
        float[] reconstruction = java.util.Arrays.copyOf(evaluation.reconstructions(), rows * 50);
        double javaMse = mse(java.util.Arrays.copyOf(evaluation.inputs(), rows * 50), reconstruction);
        assertEquals(javaMse, python, 1e-4 * javaMse, "MSE over the first " + rows + " evaluation samples");
    }
}
