package org.saelab.runner.wiring;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.saelab.api.ArchitectureFactory;
import org.saelab.api.Experiment;
import org.saelab.api.LossTermFactory;
import org.saelab.api.Metric;
import org.saelab.api.Named;
import org.saelab.api.Plugin;
import org.saelab.api.SamplerFactory;

/**
 * The plugins found on the class path and what each offers, by name. A name claimed twice within
 * one kind is a startup error naming both plugins.
 */
public final class PluginRegistry {
    private final List<Plugin> plugins;
    private final Map<String, SamplerFactory<?>> samplers;
    private final Map<String, ArchitectureFactory<?>> architectures;
    private final Map<String, LossTermFactory<?>> lossTerms;
    private final Map<String, Metric> metrics;
    private final Map<String, Experiment> experiments;

    private PluginRegistry(List<Plugin> plugins) {
        this.plugins = List.copyOf(plugins);
        this.samplers = collect("sampler", Plugin::samplers);
        this.architectures = collect("architecture", Plugin::architectures);
        this.lossTerms = collect("loss term", Plugin::lossTerms);
        this.metrics = collect("metric", Plugin::metrics);
        this.experiments = collect("experiment", Plugin::experiments);
    }

    /** Finds every {@link Plugin} visible to {@code classLoader}, sorted by class name. */
    public static PluginRegistry discover(ClassLoader classLoader) {
        List<Plugin> found = new ArrayList<>();
        ServiceLoader.load(Plugin.class, classLoader).forEach(found::add);
        return of(found);
    }

    public static PluginRegistry of(List<Plugin> plugins) {
        List<Plugin> sorted = new ArrayList<>(plugins);
        sorted.sort(Comparator.comparing((Plugin p) -> p.getClass().getName()));
        return new PluginRegistry(sorted);
    }

    private <T extends Named> Map<String, T> collect(String kind, Function<Plugin, List<? extends T>> offered) {
        Map<String, T> byName = new TreeMap<>();
        Map<String, Plugin> owner = new LinkedHashMap<>();
        for (Plugin plugin : plugins) {
            for (T item : offered.apply(plugin)) {
                String name = requireNonNull(item.name(), "name is null");
                Plugin previous = owner.putIfAbsent(name, plugin);
                if (previous != null) {
                    throw new PluginException(kind + " name '" + name + "' is claimed by two plugins: "
                            + previous.name() + " and " + plugin.name());
                }
                byName.put(name, item);
            }
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    public List<Plugin> plugins() {
        return plugins;
    }

    public Map<String, SamplerFactory<?>> samplers() {
        return samplers;
    }

    public Map<String, ArchitectureFactory<?>> architectures() {
        return architectures;
    }

    public Map<String, LossTermFactory<?>> lossTerms() {
        return lossTerms;
    }

    public Map<String, Metric> metrics() {
        return metrics;
    }

    public Map<String, Experiment> experiments() {
        return experiments;
    }

    public boolean isEmpty() {
        return samplers.isEmpty() && architectures.isEmpty() && lossTerms.isEmpty() && metrics.isEmpty()
                && experiments.isEmpty();
    }
}
