package org.saelab.runner.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.saelab.api.Named;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List every sampler, architecture, loss term, metric and experiment found.")
final class ListCommand implements Runnable {
    @Option(names = "--plugin-path", description = "extra folders of plugin jars (default: plugins/ of the saelab home)")
    List<Path> pluginPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Session session = Session.open(PluginFolders.resolve(pluginPath));
        PrintWriter out = spec.commandLine().getOut();
        section(out, "Samplers", session.registry.samplers());
        section(out, "Architectures", session.registry.architectures());
        section(out, "Loss terms", session.registry.lossTerms());
        section(out, "Metrics", session.registry.metrics());
        section(out, "Experiments", session.registry.experiments());
        out.flush();
    }

    private static void section(PrintWriter out, String title, Map<String, ? extends Named> items) {
        out.println(title + ":");
        if (items.isEmpty()) {
            out.println("  (none)");
        }
        int width = items.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, ? extends Named> item : items.entrySet()) {
            out.printf("  %-" + width + "s  %s%n", item.getKey(), item.getValue().description());
        }
        out.println();
    }
}
