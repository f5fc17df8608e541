package org.saelab.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/** The content of result.json. Metrics keep insertion order (the order they are listed in). */
@JsonPropertyOrder({"experiment", "run", "config", "metrics", "loss", "provenance"})
public record RunResult(String experiment, String run, RunSpec config, Map<String, MetricValue> metrics,
        LossSummary loss, Provenance provenance) {}
