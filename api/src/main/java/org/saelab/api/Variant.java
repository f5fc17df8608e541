package org.saelab.api;

import static java.util.Objects.requireNonNull;

/**
 * One configuration of an experiment, trained once per seed. The name is the run folder's
 * parent (letters, digits, '-', '_', '.'); an experiment of one variant may leave it empty.
 */
public record Variant(String name, ExperimentSpec spec) {
    public Variant {
        requireNonNull(name, "name is null");
        requireNonNull(spec, "spec is null");
        if (!name.isEmpty() && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("variant name '" + name + "': use letters, digits, '.', '-', '_'");
        }
    }
}
