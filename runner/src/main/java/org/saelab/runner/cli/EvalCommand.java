package org.saelab.runner.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.saelab.api.ComponentFactory;
import org.saelab.api.ConfigException;
import org.saelab.api.EvaluationConfig;
import org.saelab.api.EvaluationContext;
import org.saelab.api.Inference;
import org.saelab.api.Metric;
import org.saelab.api.MetricValue;
import org.saelab.api.RunContext;
import org.saelab.api.Sampler;
import org.saelab.api.SamplerConfig;
import org.saelab.api.SamplerFactory;
import org.saelab.api.SeedStreams;
import org.saelab.runner.output.AtomicFiles;
import org.saelab.runner.saelens.LoadedSae;
import org.saelab.runner.saelens.SaeLensReader;
import org.saelab.runner.train.Evaluator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", description = "Evaluate a SAELens SAE folder (a run's sae/, or SAELens's own) on a sampler's data.")
final class EvalCommand implements Runnable {
    @Option(names = "--sae", required = true, paramLabel = "DIR", description = "SAELens folder with cfg.json and sae_weights.safetensors")
    Path saeDir;

    @Option(names = "--sampler", paramLabel = "NAME", description = "sampler (see: saelab list; default: ${DEFAULT-VALUE})")
    String samplerName = "post20";

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "override a sampler field, e.g. sampler.p0=0.3")
    List<String> assignments = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", description = "master seed; the evaluation batch of a run with this seed (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--samples", paramLabel = "N", description = "evaluation samples (default: ${DEFAULT-VALUE})")
    int samples = 100_000;

    @Option(names = "--k", paramLabel = "K", description = "k for a topk SAE (default: its own)")
    Double k;

    @Option(names = "--out", paramLabel = "DIR", description = "also write DIR/result.json")
    Path out;

    @Option(names = "--plugin-path", description = "extra folders of plugin jars")
    List<Path> pluginPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        Session session = Session.open(PluginFolders.resolve(pluginPath));
        LoadedSae sae = SaeLensReader.read(saeDir);
        SamplerConfig config = samplerConfig(session, samplerName, assignments);
        SeedStreams seeds = new SeedStreams(seed);
        Sampler sampler = build(session, samplerName, config, seeds);
        ConfigException.check(sampler.inputDim() == sae.inputDim(), "--sampler " + samplerName + " inputDim", sampler.inputDim(),
                "must equal the SAE's d_in (" + sae.inputDim() + ", from " + saeDir.resolve("cfg.json") + ")");
        EvaluationConfig evaluation = new EvaluationConfig(samples, Inference.THRESHOLD, k, 0, 0.9);
        EvaluationContext context = Evaluator.context(sae, sampler,
                sampler.evaluationStream(seeds.seed("data.evaluation")), evaluation);
        List<Metric> metrics = new ArrayList<>(session.registry.metrics().values());
        Map<String, MetricValue> values = Evaluator.metrics(context, metrics);
        List<String> skipped = Evaluator.skipped(context, metrics);

        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("%s: %s%n", saeDir, sae);
        stdout.printf("evaluated on %,d samples of %s (seed %d)%n", samples, samplerName, seed);
        values.forEach((name, value) -> {
            if (value instanceof MetricValue.Scalar scalar) {
                stdout.printf("  %-20s %.4f%n", name, scalar.value());
            }
        });
        if (!skipped.isEmpty()) {
            stdout.println("note: skipped for lack of ground truth: " + String.join(", ", skipped));
        }
        if (out != null) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("sae", saeDir.toAbsolutePath().toString());
            result.put("architecture", sae.architecture());
            result.put("sampler", config);
            result.put("seed", seed);
            result.put("evaluation", evaluation);
            result.put("metrics", values);
            result.put("skippedMetrics", skipped);
            try {
                java.nio.file.Files.createDirectories(out);
                AtomicFiles.write(out.resolve("result.json"), session.json.writeValueAsBytes(result));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + out.resolve("result.json") + ": " + e.getMessage(), e);
            }
            stdout.println("results: " + out.resolve("result.json"));
        }
        stdout.flush();
    }

    /** The named sampler's default config with {@code path=value} patches ("sampler." prefix optional). */
    static SamplerConfig samplerConfig(Session session, String name, List<String> assignments) {
        SamplerFactory<?> factory = session.registry.samplers().get(name);
        if (factory == null) {
            throw new UsageException("unknown sampler '" + name + "'; known: "
                    + String.join(", ", new TreeSet<>(session.registry.samplers().keySet())));
        }
        ObjectNode tree;
        try {
            tree = (ObjectNode) session.json.readTree(session.json.writerFor(SamplerConfig.class)
                    .writeValueAsString(factory.defaultConfig()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the default config of " + name, e);
        }
        List<String> errors = new ArrayList<>();
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            String path = eq > 0 ? assignment.substring(0, eq).trim() : "";
            if (path.startsWith("sampler.")) {
                path = path.substring("sampler.".length());
            }
            if (eq <= 0 || path.isEmpty() || path.equals("type") || !tree.has(path)) {
                List<String> known = new ArrayList<>();
                tree.fieldNames().forEachRemaining(known::add);
                known.remove("type");
                errors.add("--set " + assignment + ": unknown sampler field; known: " + String.join(", ", new TreeSet<>(known)));
                continue;
            }
            String text = assignment.substring(eq + 1).trim();
            JsonNode value;
            try {
                value = session.yaml.readTree(text);
                if (value == null || value.isMissingNode()) {
                    value = com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
                }
            } catch (IOException e) {
                value = com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
            }
            tree.set(path, value);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(String.join("; ", errors));
        }
        try {
            return session.json.treeToValue(tree, SamplerConfig.class);
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException config) {
                throw config;
            }
            throw new ConfigException("sampler: " + e.getOriginalMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Sampler build(Session session, String name, SamplerConfig config, SeedStreams seeds) {
        ComponentFactory<SamplerConfig, Sampler> factory =
                (ComponentFactory<SamplerConfig, Sampler>) (ComponentFactory<?, ?>) session.registry.samplers().get(name);
        return factory.create(config, new RunContext(seeds, List.of(), 0));
    }
}
