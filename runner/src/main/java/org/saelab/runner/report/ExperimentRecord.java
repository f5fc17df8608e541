package org.saelab.runner.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.saelab.api.RunSpec;

/**
 * experiment.json: what an experiment folder holds, written before the first run trains and
 * again when the last has finished ({@code complete} true only then).
 */
@JsonPropertyOrder({"experiment", "description", "complete", "seeds", "variants", "runs"})
public record ExperimentRecord(String experiment, String description, boolean complete, List<Long> seeds,
        List<String> variants, List<Run> runs) {
    public ExperimentRecord {
        seeds = List.copyOf(seeds);
        variants = List.copyOf(variants);
        runs = List.copyOf(runs);
    }

    /** A run of the experiment, its folder (relative to the experiment folder) and its full config. */
    public record Run(String variant, long seed, String dir, RunSpec config) {}

    public ExperimentRecord completed() {
        return new ExperimentRecord(experiment, description, true, seeds, variants, runs);
    }
}
