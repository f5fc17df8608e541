package org.saelab.runner.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.saelab.api.SaeParameters;
import org.saelab.runner.saelens.LoadedSae;
import org.saelab.runner.saelens.SaeLensReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "load", description = "Read a SAELens SAE folder, check it and describe it (evaluate it with: saelab eval --sae DIR).")
final class LoadCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DIR", description = "SAELens folder with cfg.json and sae_weights.safetensors")
    Path saeDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        LoadedSae sae = SaeLensReader.read(saeDir);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("%s: %s%n", saeDir, sae);
        stdout.printf("  sae_lens_version      %s%n", sae.saeLensVersion() == null ? "(none)" : sae.saeLensVersion());
        stdout.printf("  apply_b_dec_to_input  %s%n", sae.appliesDecoderBiasToInput());
        SaeParameters p = sae.parameters();
        float[] data = p.data();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int j = 0; j < sae.width(); j++) {
            double sum = 0;
            for (int i = 0; i < sae.inputDim(); i++) {
                double v = data[p.wDecOffset() + j * sae.inputDim() + i];
                sum += v * v;
            }
            min = Math.min(min, Math.sqrt(sum));
            max = Math.max(max, Math.sqrt(sum));
        }
        stdout.printf("  decoder row norms     %.4f to %.4f%n", min, max);
        stdout.flush();
    }
}
