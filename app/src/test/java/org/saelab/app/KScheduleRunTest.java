package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saelab.api.ComponentSpec;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.ExperimentSpec;
import org.saelab.api.KSchedule;
import org.saelab.api.RunSpec;
import org.saelab.api.TrainingConfig;
import org.saelab.runner.config.SpecResolver;
import org.saelab.runner.train.RunExecutor;
import org.saelab.runner.train.RunOutcome;
import org.saelab.runner.train.Snapshot;
import org.saelab.runner.wiring.Mappers;
import org.saelab.runner.wiring.PluginRegistry;

/** A run whose k decays: the k of each step, the snapshots, and the animation written from them. */
class KScheduleRunTest {
    private static final PluginRegistry REGISTRY = PluginRegistry.discover(KScheduleRunTest.class.getClassLoader());

    @TempDir
    Path out;

    @Test
    void snapshotsFollowTheScheduleFrom10To2() {
        ExperimentSpec experiment = new ExperimentSpec(ComponentSpec.of("post20"),
                ComponentSpec.of("batchtopk", "dSae", 20, "k", 2.0), List.of(ComponentSpec.of("mse")),
                TrainingConfig.defaults().withSamples(101 * 1024).withKSchedule(KSchedule.linear(10, 2), 10),
                new EvaluationConfig(2000, org.saelab.api.Inference.TOPK, null, 0, 0.9));
        RunSpec spec = new SpecResolver(Mappers.json(REGISTRY), Mappers.yaml(REGISTRY), REGISTRY)
                .resolve(experiment, SpecResolver.Overrides.none());
        RunExecutor executor = new RunExecutor(REGISTRY);
        RunOutcome outcome = executor.run(executor.prepare(spec, List.of()), List.of(),
                List.copyOf(REGISTRY.metrics().values()));
        List<Snapshot> snapshots = outcome.snapshots();
        // after step 1, every 10th step, and the last (101)
        assertEquals(List.of(1L, 10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L, 101L),
                snapshots.stream().map(Snapshot::step).toList());
        // step s (1-based) trained at k of 0-based step s - 1: 10 − 8·(s − 1)/100
        for (Snapshot snapshot : snapshots) {
            assertEquals(10 - 8.0 * (snapshot.step() - 1) / 100, snapshot.k(), 1e-12, "step " + snapshot.step());
            assertEquals(20, snapshot.decoderCos().length);
            assertEquals(20, snapshot.decoderCos()[0].length);
        }
        assertEquals(10.0, snapshots.get(0).k());
        assertEquals(2.0, snapshots.get(snapshots.size() - 1).k());
        // evaluated at the k training ended with
        assertEquals(2.0, ((org.saelab.api.MetricValue.Scalar) outcome.metrics().get("saeL0")).value(), 1e-9);
    }

    @Test
    void postKDecayWritesAnAnimationWithAFramePerSnapshot() throws IOException {
        Cli cli = Cli.run("run", "post-k-decay", "--out", out.toString(), "--samples", "102400", "--set",
                "training.snapshotEvery=4", "--set", "evaluation.samples=2000");
        assertEquals(0, cli.exitCode(), cli.err());
        Path gif = out.resolve("post-k-decay/seed0/frames.gif");
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            // 100 steps: step 1, 4, 8, …, 100
            assertEquals(1 + 25, reader.getNumImages(true));
            assertTrue(reader.read(0).getWidth() > 200);
        }
    }
}
