package org.saelab.runner.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saelab.api.Metric;
import org.saelab.api.RunSpec;
import org.saelab.runner.output.AtomicFiles;
import org.saelab.runner.train.PhaseBenchmark;
import org.saelab.runner.train.RunExecutor;
import org.saelab.runner.train.RunOutcome;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", description = "Time an experiment's training: samples/s, a breakdown by phase, peak heap.")
final class BenchCommand implements Runnable {
    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT", description = "default: ${DEFAULT-VALUE}")
    String experimentName = "post-case1";

    @Option(names = "--samples", paramLabel = "N", description = "training samples (default: the experiment's)")
    Long samples;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "override one field, e.g. architecture.dSae=4096")
    List<String> assignments = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "where bench/<experiment>.json goes (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        BackgroundStart.forTraining();
        Session session = Session.open(PluginFolders.resolve(List.of()));
        List<String> sets = new ArrayList<>(assignments);
        if (samples != null) {
            sets.add("training.samples=" + samples);
        }
        RunSpec runSpec = session.resolve(experimentName, null, sets);
        List<Metric> metrics = new ArrayList<>(session.registry.metrics().values());
        RunExecutor executor = new RunExecutor(session.registry);
        PrintWriter stdout = spec.commandLine().getOut();
        long samplesTrained = runSpec.training().steps() * runSpec.training().batchSize();
        stdout.printf("bench %s: %,d samples, batch %d, %d cores%n", experimentName, samplesTrained,
                runSpec.training().batchSize(), Runtime.getRuntime().availableProcessors());
        stdout.flush();

        RunOutcome outcome = executor.run(executor.prepare(runSpec, List.of()), List.of(), metrics);
        double trainerSamplesPerSecond = samplesTrained / outcome.trainingSeconds();
        stdout.printf("training loop (data on a second thread): %.2f s, %,.0f samples/s%n", outcome.trainingSeconds(),
                trainerSamplesPerSecond);

        PhaseBenchmark.Phases phases = PhaseBenchmark.run(executor.prepare(runSpec, List.of()), metrics);
        stdout.printf("phases, one thread (%,.0f samples/s):%n", samplesTrained / (phases.total()
                - phases.seconds().get("evaluation + metrics")));
        for (Map.Entry<String, Double> phase : phases.seconds().entrySet()) {
            boolean perStep = !phase.getKey().startsWith("evaluation");
            stdout.printf("  %-32s %8.3f s%s%n", phase.getKey(), phase.getValue(),
                    perStep ? String.format("  %7.1f µs/step", phase.getValue() / phases.steps() * 1e6) : "");
        }
        long peakHeap = PhaseBenchmark.peakHeapBytes();
        stdout.printf("peak heap: %.1f MB%n", peakHeap / 1e6);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment", experimentName);
        json.put("samples", samplesTrained);
        json.put("batchSize", runSpec.training().batchSize());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("trainingSeconds", outcome.trainingSeconds());
        json.put("samplesPerSecond", trainerSamplesPerSecond);
        json.put("phaseSeconds", phases.seconds());
        json.put("peakHeapBytes", peakHeap);
        json.put("javaVersion", System.getProperty("java.version"));
        Path file = out.resolve("bench").resolve(experimentName + ".json");
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, session.json.writeValueAsString(json).getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        stdout.println("written: " + file);
        stdout.flush();
    }
}
