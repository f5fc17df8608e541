package org.saelab.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "diff", description = "Show what differs between two runs: config, metrics, provenance.")
final class DiffCommand implements Runnable {
    /** Provenance fields that differ between any two runs; shown apart from the rest. */
    private static final Set<String> TIMING = Set.of("start", "durationSeconds", "trainingSeconds", "samplesPerSecond");

    @Parameters(index = "0", paramLabel = "RUN_A", description = "a run folder or its result.json")
    Path first;

    @Parameters(index = "1", paramLabel = "RUN_B", description = "a run folder or its result.json")
    Path second;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode a = read(mapper, first);
        JsonNode b = read(mapper, second);
        PrintWriter out = spec.commandLine().getOut();
        List<String> differences = new ArrayList<>();
        List<String> timing = new ArrayList<>();
        for (String section : List.of("config", "metrics", "loss", "provenance")) {
            compare(section, a.path(section), b.path(section), differences, timing);
        }
        if (differences.isEmpty()) {
            out.println("identical config, metrics, loss and provenance (timings aside)");
        } else {
            differences.forEach(out::println);
        }
        timing.forEach(line -> out.println("timing: " + line));
        out.flush();
    }

    private static JsonNode read(ObjectMapper mapper, Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("result.json") : path;
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UsageException(file + ": not a readable result.json (" + e.getMessage() + ")");
        }
    }

    private static void compare(String path, JsonNode a, JsonNode b, List<String> differences, List<String> timing) {
        if (a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(path + "." + name, a.path(name), b.path(name), differences, timing);
            }
            return;
        }
        String name = path.substring(path.lastIndexOf('.') + 1);
        String line;
        if (a.isArray() && b.isArray()) {
            line = path + ": arrays differ" + maxDifference(a, b);
        } else {
            line = path + ": " + show(a) + " → " + show(b);
        }
        (path.startsWith("provenance.") && TIMING.contains(name) ? timing : differences).add(line);
    }

    private static String maxDifference(JsonNode a, JsonNode b) {
        List<Double> left = new ArrayList<>();
        List<Double> right = new ArrayList<>();
        flatten(a, left);
        flatten(b, right);
        if (left.size() != right.size()) {
            return " (" + left.size() + " vs " + right.size() + " numbers)";
        }
        double max = 0;
        for (int i = 0; i < left.size(); i++) {
            max = Math.max(max, Math.abs(left.get(i) - right.get(i)));
        }
        return " (max |difference| " + max + ")";
    }

    private static void flatten(JsonNode node, List<Double> out) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, out));
        } else {
            out.add(node.asDouble());
        }
    }

    private static String show(JsonNode node) {
        return node.isMissingNode() ? "(absent)" : node.toString();
    }
}
