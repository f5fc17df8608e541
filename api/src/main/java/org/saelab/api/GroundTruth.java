package org.saelab.api;

/**
 * How much of the truth behind the data is known, from nothing (activations from a file) to
 * everything (a toy model). Samplers say what they have, metrics what they need; a metric whose
 * need is not covered is skipped.
 */
public enum GroundTruth {
    /** Only the data: no true directions, no per-sample feature activations. */
    NONE,
    /** The true directions are known, the per-sample feature activations are not. */
    DIRECTIONS,
    /** True directions and the feature activations of every sample. */
    FULL;

    /** Whether what is known here is enough for a consumer that needs {@code needed}. */
    public boolean covers(GroundTruth needed) {
        return compareTo(needed) >= 0;
    }
}
