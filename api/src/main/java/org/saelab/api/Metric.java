package org.saelab.api;

/** A pure function of the shared evaluation context; written to results under {@link #name()}. */
public interface Metric extends Named {
    /** Whether the metric needs the true features (skipped on data without ground truth). */
    default boolean needsGroundTruth() {
        return true;
    }

    /**
     * What the metric reads of the truth: by default everything when {@link #needsGroundTruth()},
     * nothing otherwise. Metrics that read only the true directions say {@link GroundTruth#DIRECTIONS}
     * and then also run on data whose directions are known but whose feature activations are not.
     */
    default GroundTruth groundTruthNeeded() {
        return needsGroundTruth() ? GroundTruth.FULL : GroundTruth.NONE;
    }

    MetricValue compute(EvaluationContext context);
}
