package org.saelab.runner.report;

import java.util.Map;
import org.saelab.api.MetricValue;

/** A finished run as the report shows it: where it is (relative to the report) and its metrics. */
public record ReportRun(String variant, long seed, String dir, Map<String, MetricValue> metrics) {}
