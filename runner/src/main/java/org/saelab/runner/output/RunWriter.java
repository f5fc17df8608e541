package org.saelab.runner.output;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.saelab.api.EvaluationContext;
import org.saelab.api.RunResult;
import org.saelab.runner.train.SideTask;
import org.saelab.runner.train.Snapshot;

/**
 * Writes a run's folder: everything goes into a hidden ".NAME.partial" folder that is renamed
 * to NAME only when complete, so an interrupted run never leaves a folder that looks finished.
 */
public final class RunWriter {
    private final ObjectMapper json;

    public RunWriter(ObjectMapper json) {
        this.json = requireNonNull(json, "json is null");
    }

    /** A fresh run folder name under {@code experimentDir}: {@code base}, or base.2, base.3, … */
    public static Path freshRunDir(Path experimentDir, String base) {
        Path candidate = experimentDir.resolve(base);
        for (int i = 2; Files.exists(candidate); i++) {
            candidate = experimentDir.resolve(base + "." + i);
        }
        return candidate;
    }

    public Path write(Path runDir, RunResult result, EvaluationContext evaluation) {
        return write(runDir, result, evaluation, List.of(), List.of());
    }

    /**
     * Writes result.json, the heatmaps, {@code frames.gif} when the run recorded snapshots, and
     * every artifact into the partial folder, then renames it. The files are independent and
     * are written on up to two threads ({@link SideTask}); a failure is reported as the first
     * failing file in that order would have been, once none of them is being written any more.
     */
    public Path write(Path runDir, RunResult result, EvaluationContext evaluation, List<Snapshot> snapshots,
            List<RunArtifact> artifacts) {
        Path partial = runDir.resolveSibling("." + runDir.getFileName() + ".partial");
        try {
            deleteRecursively(partial);
            Files.createDirectories(partial);
            List<SideTask<Void>> files = new ArrayList<>();
            files.add(SideTask.start(() -> {
                AtomicFiles.write(partial.resolve("result.json"), json.writeValueAsBytes(result));
                return null;
            }));
            if (evaluation.groundTruth().covers(org.saelab.api.GroundTruth.DIRECTIONS)) {
                files.add(SideTask.start(() -> {
                    writeHeatmaps(partial, label(result), evaluation);
                    return null;
                }));
                if (!snapshots.isEmpty()) {
                    files.add(SideTask.start(() -> {
                        AtomicFiles.write(partial.resolve("frames.gif"), frames(label(result), snapshots));
                        return null;
                    }));
                }
            }
            for (RunArtifact artifact : artifacts) {
                files.add(SideTask.start(() -> {
                    artifact.writeInto(partial);
                    return null;
                }));
            }
            SideTask.joinAll(files);
            Files.move(partial, runDir, StandardCopyOption.ATOMIC_MOVE);
            return runDir;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise result of " + result.run(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run folder " + runDir + ": " + e.getMessage(), e);
        }
    }

    private static String label(RunResult result) {
        return result.experiment() + "/" + result.run();
    }

    /** One frame per snapshot, labelled with the step and the k of that step, 0.25 s each. */
    static byte[] frames(String run, List<Snapshot> snapshots) {
        List<BufferedImage> frames = new ArrayList<>();
        for (Snapshot snapshot : snapshots) {
            double[][] cos = snapshot.decoderCos();
            frames.add(Heatmap.image(cos, String.format(Locale.ROOT, "%s  step %d  k = %.2f", run, snapshot.step(),
                    snapshot.k()), "SAE latent (sorted by best match)", "true feature", Heatmap.orderByBestMatch(cos),
                    latentNames(cos.length)));
        }
        return Gif.encode(frames, 25);
    }

    private static String[] latentNames(int width) {
        String[] names = new String[width];
        for (int j = 0; j < width; j++) {
            names[j] = "L" + j;
        }
        return names;
    }

    private static void writeHeatmaps(Path dir, String run, EvaluationContext evaluation) {
        double[][] decoder = evaluation.decoderCos();
        int[] order = Heatmap.orderByBestMatch(decoder);
        String[] names = latentNames(evaluation.width());
        AtomicFiles.write(dir.resolve("decoder_cos.png"), Heatmap.png(decoder, "decoder cosine with true features: " + run,
                "SAE latent (sorted by best match)", "true feature", order, names));
        AtomicFiles.write(dir.resolve("encoder_cos.png"), Heatmap.png(evaluation.encoderCos(),
                "encoder cosine with true features: " + run, "SAE latent (sorted by decoder best match)", "true feature",
                order, names));
        int feature = evaluation.config().hedgingFeature();
        double[] withFeature = new double[order.length];
        for (int r = 0; r < order.length; r++) {
            withFeature[r] = decoder[order[r]][feature];
        }
        AtomicFiles.write(dir.resolve("hedging.png"), Heatmap.bars(withFeature, "decoder cosine with feature " + feature
                + " (hedging): " + run, "SAE latent (sorted by best match)", "cos(W_dec[latent], feature " + feature + ")"));
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
