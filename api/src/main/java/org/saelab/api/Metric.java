package org.saelab.api;

/** A pure function of the shared evaluation context; written to results under {@link #name()}. */
public interface Metric extends Named {
    /** Whether the metric needs the true features (skipped on data without ground truth). */
    default boolean needsGroundTruth() {
        return true;
    }

    MetricValue compute(EvaluationContext context);
}
