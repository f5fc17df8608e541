package org.saelab.runner.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.saelab.api.Claim;
import org.saelab.runner.report.CheckedClaim;
import org.saelab.runner.report.ExperimentFolder;
import org.saelab.runner.report.ExperimentRecord;
import org.saelab.runner.report.Report;
import org.saelab.runner.report.ReportRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = "Rebuild report.md and report.html of an experiment folder from its runs' "
        + "result.json files (also of an interrupted experiment: its finished runs).")
final class ReportCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "DIR", description = "experiment folder, e.g. runs/post-all")
    Path dir;

    @Option(names = "--plugin-path", description = "extra folders of plugin jars")
    List<Path> pluginPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("report " + dir + ": no such folder");
        }
        Session session = Session.open(PluginFolders.resolve(pluginPath));
        ExperimentFolder folder = new ExperimentFolder(dir, session.json);
        ExperimentRecord record = folder.record();
        List<Claim> claims = session.registry.experiments().containsKey(record.experiment())
                ? session.plan(record.experiment()).claims()
                : List.of();
        List<ReportRun> runs = folder.finishedRuns(record);
        List<CheckedClaim> checked = Report.check(claims, record.seeds(), runs);
        new Report(record.experiment(), record.description(), record.seeds(), record.variants(), runs, checked).write(dir);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: %d of %d runs finished%s%n", record.experiment(), runs.size(), record.runs().size(),
                record.complete() ? "" : " (the experiment did not complete)");
        for (CheckedClaim claim : checked) {
            out.printf("claim: %s → %s%n", claim.text(), claim.verdict().status());
        }
        out.println("report: " + dir.resolve("report.html"));
        out.flush();
    }
}
