package org.saelab.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.name.Names;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.saelab.runner.wiring.PluginException;
import org.saelab.runner.wiring.PluginModule;
import org.saelab.runner.wiring.PluginRegistry;

/** The wiring of one CLI invocation: plugins discovered, one injector, the mappers. */
final class Session {
    final PluginRegistry registry;
    final ObjectMapper json;
    final ObjectMapper yaml;
    final Injector injector;

    private Session(PluginRegistry registry) {
        this.registry = registry;
        this.injector = Guice.createInjector(new PluginModule(registry));
        this.json = injector.getInstance(Key.get(ObjectMapper.class, Names.named("json")));
        this.yaml = injector.getInstance(Key.get(ObjectMapper.class, Names.named("yaml")));
    }

    /**
     * Discovers the plugins on the class path plus the jars in each plugin folder; fails with a
     * clear message when there are none.
     */
    static Session open(List<Path> pluginFolders) {
        ClassLoader loader = pluginLoader(pluginFolders);
        PluginRegistry registry = PluginRegistry.discover(loader);
        if (registry.isEmpty()) {
            throw new PluginException("no saelab plugins found on the class path (no jar with "
                    + "META-INF/services/org.saelab.api.Plugin); run saelab through ./saelab, or add the plugin jars "
                    + "to the class path");
        }
        return new Session(registry);
    }

    org.saelab.api.Experiment experiment(String name) {
        org.saelab.api.Experiment experiment = registry.experiments().get(name);
        if (experiment == null) {
            throw new UsageException("unknown experiment '" + name + "'; known: "
                    + String.join(", ", new java.util.TreeSet<>(registry.experiments().keySet())));
        }
        return experiment;
    }

    /** The plan experiment {@code name} binds: its variants, seeds and claims. */
    org.saelab.api.ExperimentPlan plan(String name) {
        return injector.createChildInjector(experiment(name).module()).getInstance(org.saelab.api.ExperimentPlan.class);
    }

    /**
     * The resolved run spec of the first variant of experiment {@code name}, patched by the
     * config file (may be null) and the {@code path=value} assignments, validated.
     */
    org.saelab.api.RunSpec resolve(String name, java.nio.file.Path configFile, List<String> assignments) {
        org.saelab.api.ExperimentSpec spec = plan(name).variants().get(0).spec();
        return resolver().resolve(spec, new org.saelab.runner.config.SpecResolver.Overrides(configFile, assignments));
    }

    org.saelab.runner.config.SpecResolver resolver() {
        return new org.saelab.runner.config.SpecResolver(json, yaml, registry);
    }

    private static ClassLoader pluginLoader(List<Path> folders) {
        ClassLoader parent = Session.class.getClassLoader();
        List<URL> jars = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    jars.add(jar.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new PluginException("bad plugin path " + folder + ": " + e.getMessage());
            } catch (IOException e) {
                throw new PluginException("cannot read plugin folder " + folder + ": " + e.getMessage());
            }
        }
        return jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
    }
}
