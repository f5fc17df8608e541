package org.saelab.runner.wiring;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import java.util.List;
import java.util.Map;
import org.saelab.api.ArchitectureFactory;
import org.saelab.api.Experiment;
import org.saelab.api.LossTermFactory;
import org.saelab.api.Metric;
import org.saelab.api.SamplerFactory;

/**
 * Collects every plugin's offerings into Guice map multibinders keyed by name, and provides the
 * ObjectMappers built from those same maps.
 */
public final class PluginModule extends AbstractModule {
    private final PluginRegistry registry;

    public PluginModule(PluginRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    @Override
    protected void configure() {
        bind(PluginRegistry.class).toInstance(registry);
        MapBinder<String, SamplerFactory<?>> samplers =
                MapBinder.newMapBinder(binder(), new TypeLiteral<String>() {}, new TypeLiteral<SamplerFactory<?>>() {});
        registry.samplers().forEach((name, factory) -> samplers.addBinding(name).toInstance(factory));
        MapBinder<String, ArchitectureFactory<?>> architectures = MapBinder.newMapBinder(
                binder(), new TypeLiteral<String>() {}, new TypeLiteral<ArchitectureFactory<?>>() {});
        registry.architectures().forEach((name, factory) -> architectures.addBinding(name).toInstance(factory));
        MapBinder<String, LossTermFactory<?>> lossTerms = MapBinder.newMapBinder(
                binder(), new TypeLiteral<String>() {}, new TypeLiteral<LossTermFactory<?>>() {});
        registry.lossTerms().forEach((name, factory) -> lossTerms.addBinding(name).toInstance(factory));
        MapBinder<String, Metric> metrics = MapBinder.newMapBinder(binder(), String.class, Metric.class);
        registry.metrics().forEach((name, metric) -> metrics.addBinding(name).toInstance(metric));
        MapBinder<String, Experiment> experiments = MapBinder.newMapBinder(binder(), String.class, Experiment.class);
        registry.experiments().forEach((name, experiment) -> experiments.addBinding(name).toInstance(experiment));
    }

    @Provides
    @Singleton
    @Named("json")
    ObjectMapper json(Map<String, SamplerFactory<?>> samplers, Map<String, ArchitectureFactory<?>> architectures,
            Map<String, LossTermFactory<?>> lossTerms) {
        return Mappers.json(List.of(samplers, architectures, lossTerms));
    }

    @Provides
    @Singleton
    @Named("yaml")
    ObjectMapper yaml(Map<String, SamplerFactory<?>> samplers, Map<String, ArchitectureFactory<?>> architectures,
            Map<String, LossTermFactory<?>> lossTerms) {
        return Mappers.yaml(List.of(samplers, architectures, lossTerms));
    }

    public static com.google.inject.Key<ObjectMapper> jsonKey() {
        return com.google.inject.Key.get(ObjectMapper.class, Names.named("json"));
    }
}
