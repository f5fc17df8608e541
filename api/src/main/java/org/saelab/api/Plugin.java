package org.saelab.api;

import java.util.List;

/**
 * The one contract between saelab and a plugin jar. A plugin is found with
 * {@link java.util.ServiceLoader} (register it in {@code META-INF/services/org.saelab.api.Plugin})
 * and overrides only the methods for what it offers; the rest stay empty.
 */
public interface Plugin {
    /** A short name for the plugin itself, used in startup errors (e.g. a name claimed twice). */
    default String name() {
        return getClass().getName();
    }

    default List<SamplerFactory<?>> samplers() {
        return List.of();
    }

    default List<ArchitectureFactory<?>> architectures() {
        return List.of();
    }

    default List<LossTermFactory<?>> lossTerms() {
        return List.of();
    }

    default List<Metric> metrics() {
        return List.of();
    }

    default List<Experiment> experiments() {
        return List.of();
    }
}
