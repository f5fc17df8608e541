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
import org.saelab.runner.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", description = "Time an experiment's training: samples/s, a breakdown by phase, peak heap.")
final class BenchCommand implements Runnable {
    /** Steps timed apart at the start of the loop: about where its step time settles (post-case1). */
    private static final long WARM_STEPS = 1000;

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
        stdout.printf("kernels: %s%n", kernelsInUse());
        stdout.flush();

        StepClock clock = new StepClock(WARM_STEPS);
        RunOutcome outcome = executor.run(executor.prepare(runSpec, List.of()), List.of(clock), metrics);
        double trainerSamplesPerSecond = samplesTrained / outcome.trainingSeconds();
        String data = "false".equals(System.getProperty("saelab.prefetch")) ? "data on the training thread"
                : String.format("data on a second thread after the first %,d steps", Trainer.defaultPrefetchAfter());
        stdout.printf("training loop (%s): %.2f s, %,.0f samples/s%n", data, outcome.trainingSeconds(),
                trainerSamplesPerSecond);
        Map<String, Object> loop = new LinkedHashMap<>();
        if (clock.split()) {
            stdout.printf("  first %,d steps %.2f s (%.0f µs/step), then %.1f µs/step (%,.0f samples/s)%n",
                    clock.warmSteps(), clock.warmSeconds(), clock.warmSeconds() / clock.warmSteps() * 1e6,
                    clock.steadyMicrosPerStep(), runSpec.training().batchSize() / clock.steadyMicrosPerStep() * 1e6);
            loop.put("warmSteps", clock.warmSteps());
            loop.put("warmSeconds", clock.warmSeconds());
            loop.put("steadyMicrosPerStep", clock.steadyMicrosPerStep());
        }
        if (clock.threadCpuSeconds() >= 0) {
            stdout.printf("  training thread CPU %.2f s of %.2f s wall%n", clock.threadCpuSeconds(), clock.wallSeconds());
            loop.put("trainingThreadCpuSeconds", clock.threadCpuSeconds());
        }
        if (clock.compileMillis() >= 0) {
            stdout.printf("  JIT compilers %.2f s of CPU during the loop; %d garbage collections (%d ms)%n",
                    clock.compileMillis() / 1e3, clock.collections(), clock.collectionMillis());
            loop.put("compileSeconds", clock.compileMillis() / 1e3);
        }
        loop.put("collections", clock.collections());
        loop.put("collectionMillis", clock.collectionMillis());

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
        json.put("trainingLoop", loop);
        json.put("phaseSeconds", phases.seconds());
        json.put("peakHeapBytes", peakHeap);
        json.put("javaVersion", System.getProperty("java.version"));
        json.put("kernels", kernelsInUse());
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

    /** Which batch kernels the runs use: native, or the Java ones and why not native. */
    private static String kernelsInUse() {
        if (org.saelab.api.Kernels.nativeInUse()) {
            return "native, " + org.saelab.api.Kernels.nativeStatus();
        }
        String java = org.saelab.api.Kernels.VECTORISED ? "Java (Vector API)" : "Java (plain loops)";
        return java + "; native kernels " + org.saelab.api.Kernels.nativeStatus();
    }
}
