package org.saelab.api;

/** Anything a user picks by name: a factory, a metric, an experiment. */
public interface Named {
    /** Kebab-case name, identical in the CLI, config files, results and reports. */
    String name();

    /** One line for {@code saelab list}. */
    String description();
}
