package org.saelab.runner.sweep;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.saelab.api.Provenance;
import org.saelab.api.RunResult;
import org.saelab.api.RunSpec;
import org.saelab.runner.config.SpecResolver;
import org.saelab.runner.output.CanonicalJson;
import org.saelab.runner.output.LossSummaries;
import org.saelab.runner.output.ProvenanceInfo;
import org.saelab.runner.train.RunOutcome;
import org.saelab.runner.wiring.PluginRegistry;

/** The result.json record of a finished run: its config, metrics, loss summary and provenance. */
public final class ResultBuilder {
    private final ObjectMapper json;
    private final SpecResolver resolver;
    private final Map<String, String> plugins = new TreeMap<>();

    public ResultBuilder(ObjectMapper json, SpecResolver resolver, PluginRegistry registry) {
        this.json = requireNonNull(json, "json is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
        registry.plugins().forEach(p -> plugins.put(p.name(), version(p)));
    }

    /** The SHA-256 of the run config's canonical JSON (sorted keys), as provenance records it. */
    public String configHash(RunSpec spec) {
        return CanonicalJson.sha256(json, resolver.tree(spec));
    }

    public RunResult build(String experiment, String run, RunSpec spec, RunOutcome outcome, Instant start,
            double durationSeconds) {
        double samplesPerSecond = spec.training().steps() * spec.training().batchSize() / outcome.trainingSeconds();
        Provenance provenance = new Provenance(spec.training().seed(), outcome.derivedSeeds(),
                configHash(spec), ProvenanceInfo.projectVersion(),
                ProvenanceInfo.gitCommit(), System.getProperty("java.version"), System.getProperty("os.name"),
                System.getProperty("os.arch"), ProvenanceInfo.nd4jVersion(), ProvenanceInfo.backend(),
                Runtime.getRuntime().availableProcessors(), start.toString(), durationSeconds,
                outcome.trainingSeconds(), samplesPerSecond, plugins);
        return new RunResult(experiment, run, spec, outcome.metrics(), LossSummaries.summarise(outcome.losses()),
                provenance);
    }

    private static String version(Object plugin) {
        String version = plugin.getClass().getPackage().getImplementationVersion();
        return version == null ? ProvenanceInfo.projectVersion() : version;
    }
}
