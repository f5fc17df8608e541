package org.saelab.runner.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.saelab.api.Experiment;
import org.saelab.api.ExperimentPlan;
import org.saelab.api.MetricValue;
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
    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPERIMENT", description = "experiment name (see: saelab list)")
    String experimentName;

    @Option(names = "--resume", paramLabel = "DIR", description = "continue an interrupted experiment folder: finished "
            + "runs are kept, the others continue from their last checkpoint (or start again)")
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", description = "save each run's state every this many "
            + "steps (0: never; default ${DEFAULT-VALUE})")
    int checkpointEvery = 5000;

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
        BackgroundStart.forRuns();
        if (checkpointEvery < 0) {
            throw new UsageException("--checkpoint-every = " + checkpointEvery + ": must be >= 0");
        }
        if (resume != null) {
            resumeExperiment();
            return;
        }
        if (experimentName == null) {
            throw new UsageException("run: name an experiment (see: saelab list), or give --resume DIR");
        }
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
        SweepRunner sweep = sweep(session);
        SweepRunner.Prepared prepared = sweep.prepare(runs, progress, threads);
        List<String> variants = runs.stream().map(PlannedRun::variant).distinct().toList();
        ExperimentFolder folder = ExperimentFolder.create(out, experimentName, session.json);
        ExperimentRecord record = new ExperimentRecord(experimentName, experiment.description(), false, plan.seeds(),
                variants, runs.stream().map(r -> new ExperimentRecord.Run(r.variant(), r.seed(), r.dir(), r.spec()))
                        .toList());
        folder.write(record);
        describe(stdout, runs, variants, plan.seeds(), Math.min(threads, runs.size()), folder.dir());
        List<SweepRunner.Finished> finished = sweep.run(prepared, folder.dir(), threads, progress);
        finish(stdout, session, folder, record, plan.claims(), finished);
    }

    /** Runs what an interrupted experiment folder has not finished, then writes its report. */
    private void resumeExperiment() {
        if (experimentName != null || seed != null || seeds != null || samples != null || !assignments.isEmpty()
                || configFile != null || !only.isEmpty()) {
            throw new UsageException("--resume " + resume + ": continues the folder's own runs and config; give no "
                    + "experiment, --seed(s), --samples, --set, --config or --only");
        }
        if (!java.nio.file.Files.isDirectory(resume)) {
            throw new UsageException("--resume " + resume + ": no such folder");
        }
        Session session = Session.open(PluginFolders.resolve(pluginPath));
        ExperimentFolder folder = new ExperimentFolder(resume, session.json);
        ExperimentRecord record = folder.record();
        experimentName = record.experiment();
        List<PlannedRun> runs = new ArrayList<>();
        for (ExperimentRecord.Run run : record.runs()) {
            if (!java.nio.file.Files.isRegularFile(resume.resolve(run.dir()).resolve("result.json"))) {
                runs.add(new PlannedRun(run.variant(), run.seed(), run.config(), run.dir()));
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        List<org.saelab.api.Claim> claims = session.registry.experiments().containsKey(experimentName)
                ? session.plan(experimentName).claims() : List.of();
        if (runs.isEmpty()) {
            stdout.printf("%s: every run of %s has finished%n", experimentName, resume);
            finish(stdout, session, folder, record, claims, List.of());
            return;
        }
        SweepProgress progress = new SweepProgress(experimentName, System.err, System.console() != null, System::nanoTime);
        progress.expect(runs.size());
        SweepRunner sweep = sweep(session);
        SweepRunner.Prepared prepared = sweep.prepare(runs, progress, threads);
        stdout.printf("%s: resuming %d of %d runs in %s%n", experimentName, runs.size(), record.runs().size(), resume);
        stdout.flush();
        List<SweepRunner.Finished> finished = sweep.run(prepared, resume, threads, progress);
        finish(stdout, session, folder, record, claims, finished);
    }

    private SweepRunner sweep(Session session) {
        return new SweepRunner(new RunExecutor(session.registry), new ArrayList<>(session.registry.metrics().values()),
                new ResultBuilder(session.json, session.resolver(), session.registry), new RunWriter(session.json),
                experimentName).checkpointEvery(checkpointEvery);
    }

    /** The report from every finished run in the folder, the record marked complete, a summary. */
    private void finish(PrintWriter stdout, Session session, ExperimentFolder folder, ExperimentRecord record,
            List<org.saelab.api.Claim> planClaims, List<SweepRunner.Finished> finished) {
        List<ReportRun> reportRuns = folder.finishedRuns(record);
        List<CheckedClaim> claims = Report.check(planClaims, record.seeds(), reportRuns);
        new Report(record.experiment(), record.description(), record.seeds(), record.variants(), reportRuns, claims)
                .write(folder.dir());
        folder.removeEmptyCheckpoints();
        folder.write(record.completed());

        if (finished.size() == 1 && record.runs().size() == 1) {
            SweepRunner.Finished only = finished.get(0);
            stdout.printf("%s: %.1f s training, %,.0f samples/s%n", experimentName,
                    only.result().provenance().trainingSeconds(), only.result().provenance().samplesPerSecond());
            printMetrics(stdout, only.result().metrics());
            stdout.println("results: " + only.dir().resolve("result.json"));
        }
        if (!finished.isEmpty()) {
            List<String> skipped = session.registry.metrics().keySet().stream()
                    .filter(name -> !finished.get(0).result().metrics().containsKey(name)).toList();
            if (!skipped.isEmpty()) {
                stdout.println("note: skipped for lack of ground truth: " + String.join(", ", skipped));
            }
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

}
