package org.saelab.runner.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.saelab.api.MetricValue;
import org.saelab.runner.output.AtomicFiles;

/**
 * An experiment's folder: {@code experiment.json} (its runs; {@code complete} once all have
 * finished), one folder per run, and the report.
 */
public final class ExperimentFolder {
    public static final String RECORD = "experiment.json";

    private final Path dir;
    private final ObjectMapper json;

    public ExperimentFolder(Path dir, ObjectMapper json) {
        this.dir = requireNonNull(dir, "dir is null");
        this.json = requireNonNull(json, "json is null");
    }

    public Path dir() {
        return dir;
    }

    /** A new folder {@code out/name}, or name.2, name.3, … if taken; created empty. */
    public static ExperimentFolder create(Path out, String name, ObjectMapper json) {
        Path candidate = out.resolve(name);
        for (int i = 2; Files.exists(candidate); i++) {
            candidate = out.resolve(name + "." + i);
        }
        try {
            Files.createDirectories(candidate);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output folder " + candidate + ": " + e.getMessage(), e);
        }
        return new ExperimentFolder(candidate, json);
    }

    /** Deletes the checkpoint folder if no checkpoint is left in it (every run finished). */
    public void removeEmptyCheckpoints() {
        Path checkpoints = dir.resolve(".checkpoints");
        if (!Files.isDirectory(checkpoints)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(checkpoints)) {
            List<Path> paths = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            if (paths.stream().anyMatch(Files::isRegularFile)) {
                return;
            }
            for (Path path : paths) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + checkpoints + ": " + e.getMessage(), e);
        }
    }

    public void write(ExperimentRecord record) {
        try {
            AtomicFiles.write(dir.resolve(RECORD), json.writeValueAsBytes(record));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + RECORD, e);
        }
    }

    public ExperimentRecord record() {
        Path file = dir.resolve(RECORD);
        try {
            return json.readValue(file.toFile(), ExperimentRecord.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new IllegalArgumentException(dir + " is not an experiment folder (no " + RECORD + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage().replace('\n', ' '));
        }
    }

    /** The finished runs of the record (those with a result.json), in record order. */
    public List<ReportRun> finishedRuns(ExperimentRecord record) {
        List<ReportRun> out = new ArrayList<>();
        for (ExperimentRecord.Run run : record.runs()) {
            Path result = dir.resolve(run.dir()).resolve("result.json");
            if (!Files.isRegularFile(result)) {
                continue;
            }
            try {
                JsonNode root = json.readTree(result.toFile());
                out.add(new ReportRun(run.variant(), run.seed(), run.dir(), metrics(root.get("metrics"), result)));
            } catch (IOException e) {
                throw new IllegalArgumentException(result + ": cannot read: " + e.getMessage().replace('\n', ' '));
            }
        }
        return out;
    }

    static Map<String, MetricValue> metrics(JsonNode node, Path file) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(file + ": metrics: expected an object");
        }
        Map<String, MetricValue> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isArray() && value.size() > 0 && value.get(0).isArray()) {
                double[][] matrix = new double[value.size()][];
                for (int i = 0; i < matrix.length; i++) {
                    matrix[i] = vector(value.get(i));
                }
                out.put(field.getKey(), MetricValue.of(matrix));
            } else if (value.isArray()) {
                out.put(field.getKey(), MetricValue.of(vector(value)));
            } else {
                out.put(field.getKey(), MetricValue.of(number(value)));
            }
        }
        return out;
    }

    private static double[] vector(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(array.get(i));
        }
        return out;
    }

    /** Numbers, and NaN/Infinity as JSON writes them (quoted). */
    private static double number(JsonNode value) {
        return value.isNumber() ? value.asDouble() : Double.parseDouble(value.asText());
    }
}
