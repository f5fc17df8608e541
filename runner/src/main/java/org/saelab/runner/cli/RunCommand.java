package org.saelab.runner.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.api.Provenance;
import org.saelab.api.RunResult;
import org.saelab.api.RunSpec;
import org.saelab.api.TrainingListener;
import org.saelab.runner.config.SpecResolver;
import org.saelab.runner.output.CanonicalJson;
import org.saelab.runner.output.LossSummaries;
import org.saelab.runner.output.ProvenanceInfo;
import org.saelab.runner.output.RunWriter;
import org.saelab.runner.train.RunExecutor;
import org.saelab.runner.train.RunOutcome;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = "Run an experiment and write its results below the output folder.")
final class RunCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "experiment name (see: saelab list)")
    String experimentName;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs");

    @Option(names = "--seed", paramLabel = "N", description = "master seed (sets training.seed)")
    Long seed;

    @Option(names = "--samples", paramLabel = "N", description = "training samples (sets training.samples)")
    Long samples;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "override one field, e.g. architecture.k=4")
    List<String> assignments = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON file of fields to override")
    Path configFile;

    @Option(names = "--plugin-path", description = "extra folders of plugin jars")
    List<Path> pluginPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        long started = System.nanoTime();
        Instant startTime = Instant.now();
        Session session = Session.open(PluginFolders.resolve(pluginPath));
        List<String> sets = new ArrayList<>(assignments);
        if (seed != null) {
            sets.add("training.seed=" + seed);
        }
        if (samples != null) {
            sets.add("training.samples=" + samples);
        }
        SpecResolver resolver = session.resolver();
        RunSpec runSpec = session.resolve(experimentName, configFile, sets);

        PrintWriter stdout = spec.commandLine().getOut();
        PrintStream progressStream = System.err;
        String runName = "seed" + runSpec.training().seed();
        TrainingListener progress = new ProgressBar(experimentName + "/" + runName, progressStream,
                System.console() != null, System::nanoTime);
        RunExecutor executor = new RunExecutor(session.registry);
        RunExecutor.Prepared prepared = executor.prepare(runSpec, List.of(progress));
        stdout.printf("%s: training %,d samples (%,d steps of %d)%n", experimentName, runSpec.training().samples(),
                runSpec.training().steps(), runSpec.training().batchSize());
        stdout.flush();
        List<Metric> metrics = new ArrayList<>(session.registry.metrics().values());
        RunOutcome outcome = executor.run(prepared, List.of(progress), metrics);

        double duration = (System.nanoTime() - started) / 1e9;
        double samplesPerSecond = runSpec.training().steps() * runSpec.training().batchSize() / outcome.trainingSeconds();
        Map<String, String> plugins = new java.util.TreeMap<>();
        session.registry.plugins().forEach(p -> plugins.put(p.name(), version(p)));
        Provenance provenance = new Provenance(runSpec.training().seed(), outcome.derivedSeeds(),
                CanonicalJson.sha256(session.json, resolver.tree(runSpec)), ProvenanceInfo.projectVersion(),
                ProvenanceInfo.gitCommit(), System.getProperty("java.version"), System.getProperty("os.name"),
                System.getProperty("os.arch"), ProvenanceInfo.nd4jVersion(), ProvenanceInfo.backend(),
                Runtime.getRuntime().availableProcessors(), startTime.toString(), duration, outcome.trainingSeconds(),
                samplesPerSecond, plugins);
        RunResult result = new RunResult(experimentName, runName, runSpec, outcome.metrics(),
                LossSummaries.summarise(outcome.losses()), provenance);
        Path runDir = RunWriter.freshRunDir(out.resolve(experimentName), runName);
        new RunWriter(session.json).write(runDir, result, outcome.evaluation(),
                org.saelab.runner.output.RunArtifacts.of(outcome.sae(), outcome.evaluation(), result));

        stdout.printf("%s: %.1f s training, %,.0f samples/s%n", experimentName, outcome.trainingSeconds(), samplesPerSecond);
        for (String key : List.of("trueL0", "saeL0", "mse", "varianceExplained", "recoveredFeatures", "mcc", "minMaxCos",
                "hedging", "deadLatents")) {
            MetricValue value = outcome.metrics().get(key);
            if (value instanceof MetricValue.Scalar scalar) {
                stdout.printf("  %-18s %.4f%n", key, scalar.value());
            }
        }
        List<String> skipped = org.saelab.runner.train.Evaluator.skipped(outcome.evaluation(), metrics);
        if (!skipped.isEmpty()) {
            stdout.println("note: skipped for lack of ground truth: " + String.join(", ", skipped));
        }
        stdout.println("results: " + runDir.resolve("result.json"));
        stdout.flush();
    }

    private static String version(Object plugin) {
        String version = plugin.getClass().getPackage().getImplementationVersion();
        return version == null ? ProvenanceInfo.projectVersion() : version;
    }
}
