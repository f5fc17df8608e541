package org.saelab.runner.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.saelab.api.Experiment;
import org.saelab.api.ExperimentPlan;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.api.Variant;
import org.saelab.runner.config.SpecResolver;
import org.saelab.runner.output.RunWriter;
import org.saelab.runner.report.CheckedClaim;
import org.saelab.runner.report.ExperimentFolder;
import org.saelab.runner.report.ExperimentRecord;
import org.saelab.runner.report.Report;
import org.saelab.runner.report.ReportRun;
import org.saelab.runner.sweep.PlannedRun;
import org.saelab.runner.sweep.Planner;
import org.saelab.runner.sweep.ResultBuilder;
import org.saelab.runner.sweep.SweepRunner;
import org.saelab.runner.train.RunExecutor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = "Run an experiment (every variant at every seed) and write its runs and report "
        + "below the output folder.")
final class RunCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "EXPERIMENT", description = "experiment name (see: saelab list)")
    String experimentName;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("runs");

    @Option(names = "--seed", paramLabel = "N", description = "run this one seed (instead of the experiment's seeds)")
    Long seed;

    @Option(names = "--seeds", paramLabel = "N,N,...", split = ",",
            description = "run these seeds, e.g. 0,1,2 (default: the experiment's; post-all uses 0,1,2, others 0)")
    List<Long> seeds;

    @Option(names = "--samples", paramLabel = "N", description = "training samples of every run (sets training.samples)")
    Long samples;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "override one field of every run, e.g. "
            + "architecture.k=4")
    List<String> assignments = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON file of fields to override")
    Path configFile;

    @Option(names = "--only", paramLabel = "VARIANT", split = ",", description = "run only these variants")
    List<String> only = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", description = "runs trained at once (default: the number of cores, "
            + "${DEFAULT-VALUE})")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--plugin-path", description = "extra folders of plugin jars")
    List<Path> pluginPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (seed != null && seeds != null) {
            throw new UsageException("--seed and --seeds: give one of them");
        }
        if (threads < 1) {
            throw new UsageException("--threads = " + threads + ": must be >= 1");
        }
        Session session = Session.open(PluginFolders.resolve(pluginPath));
        Experiment experiment = session.experiment(experimentName);
        ExperimentPlan plan = session.plan(experimentName);
        if (seed != null) {
            plan = plan.withSeeds(List.of(seed));
        } else if (seeds != null) {
            try {
                plan = plan.withSeeds(seeds);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--seeds " + seeds + ": " + e.getMessage());
            }
        }
        List<String> sets = new ArrayList<>(assignments);
        if (samples != null) {
            sets.add("training.samples=" + samples);
        }
        SpecResolver resolver = session.resolver();
        List<PlannedRun> runs = Planner.plan(plan, resolver, new SpecResolver.Overrides(configFile, sets), only);

        PrintWriter stdout = spec.commandLine().getOut();
        SweepProgress progress = new SweepProgress(experimentName, System.err, System.console() != null, System::nanoTime);
        progress.expect(runs.size());
        RunExecutor executor = new RunExecutor(session.registry);
        List<Metric> metrics = new ArrayList<>(session.registry.metrics().values());
        SweepRunner sweep = new SweepRunner(executor, metrics, new ResultBuilder(session.json, resolver, session.registry),
                new RunWriter(session.json), experimentName);
        SweepRunner.Prepared prepared = sweep.prepare(runs, progress);
        List<String> variants = runs.stream().map(PlannedRun::variant).distinct().toList();
        ExperimentFolder folder = ExperimentFolder.create(out, experimentName, session.json);
        ExperimentRecord record = new ExperimentRecord(experimentName, experiment.description(), false, plan.seeds(),
                variants, runs.stream().map(r -> new ExperimentRecord.Run(r.variant(), r.seed(), r.dir())).toList());
        folder.write(record);
        describe(stdout, runs, variants, plan.seeds(), Math.min(threads, runs.size()), folder.dir());

        List<SweepRunner.Finished> finished = sweep.run(prepared, folder.dir(), threads, progress);

        List<ReportRun> reportRuns = finished.stream().map(f -> new ReportRun(f.run().variant(), f.run().seed(),
                f.run().dir(), f.result().metrics())).toList();
        List<CheckedClaim> claims = Report.check(plan.claims(), plan.seeds(), reportRuns);
        new Report(experimentName, experiment.description(), plan.seeds(), variants, reportRuns, claims).write(folder.dir());
        folder.write(record.completed());

        if (finished.size() == 1) {
            SweepRunner.Finished only = finished.get(0);
            stdout.printf("%s: %.1f s training, %,.0f samples/s%n", experimentName,
                    only.result().provenance().trainingSeconds(), only.result().provenance().samplesPerSecond());
            printMetrics(stdout, only.result().metrics());
            stdout.println("results: " + only.dir().resolve("result.json"));
        }
        for (CheckedClaim claim : claims) {
            stdout.printf("claim: %s%n  %s%n  → %s%n", claim.text(), claim.verdict().measured(), claim.verdict().status());
        }
        stdout.println("report: " + folder.dir().resolve("report.html"));
        stdout.flush();
    }

    private void describe(PrintWriter stdout, List<PlannedRun> runs, List<String> variants, List<Long> seedList,
            int parallel, Path dir) {
        PlannedRun first = runs.get(0);
        long runSamples = first.spec().training().samples();
        boolean sameLength = runs.stream().allMatch(r -> r.spec().training().samples() == runSamples);
        String each = String.format("training %,d samples (%,d steps of %d)", runSamples,
                first.spec().training().steps(), first.spec().training().batchSize());
        if (runs.size() == 1) {
            stdout.printf("%s: %s, seed %d → %s%n", experimentName, each, first.seed(), dir.resolve(first.dir()));
        } else {
            stdout.printf("%s: %d runs (%d variant%s × seed%s %s), %s%s, %d at a time → %s%n", experimentName, runs.size(),
                    variants.size(), variants.size() == 1 ? "" : "s", seedList.size() == 1 ? "" : "s",
                    String.join(", ", seedList.stream().map(String::valueOf).toList()),
                    sameLength ? "each " : "the first ", each, parallel, dir);
        }
        stdout.flush();
    }

    private static void printMetrics(PrintWriter stdout, Map<String, MetricValue> metrics) {
        for (String key : List.of("trueL0", "saeL0", "mse", "varianceExplained", "recoveredFeatures", "mcc", "minMaxCos",
                "hedging", "deadLatents")) {
            if (metrics.get(key) instanceof MetricValue.Scalar scalar) {
                stdout.printf("  %-18s %.4f%n", key, scalar.value());
            }
        }
    }

    static List<String> variantNames(ExperimentPlan plan) {
        return plan.variants().stream().map(Variant::name).toList();
    }
}
