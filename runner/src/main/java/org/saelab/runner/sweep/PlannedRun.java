package org.saelab.runner.sweep;

import static java.util.Objects.requireNonNull;

import org.saelab.api.RunSpec;

/**
 * One run of an experiment: a variant at one seed, fully resolved.
 *
 * @param dir the run's folder relative to the experiment folder: {@code seed0}, or
 *     {@code k4/seed0} when the experiment has several variants
 */
public record PlannedRun(String variant, long seed, RunSpec spec, String dir) {
    public PlannedRun {
        requireNonNull(variant, "variant is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(dir, "dir is null");
    }

    /** "k4/seed0", or "seed0" for the single variant of an experiment. */
    public String label() {
        return dir;
    }
}
