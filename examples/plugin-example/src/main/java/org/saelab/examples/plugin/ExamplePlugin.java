package org.saelab.examples.plugin;

import java.util.List;
import org.saelab.api.ArchitectureFactory;
import org.saelab.api.Plugin;

/**
 * A plugin that adds one architecture. It overrides only {@link #architectures()}; the other
 * kinds of component keep the interface's empty defaults. Registered for {@link
 * java.util.ServiceLoader} in {@code META-INF/services/org.saelab.api.Plugin}.
 */
public final class ExamplePlugin implements Plugin {
    @Override
    public String name() {
        return "example-plugin";
    }

    @Override
    public List<ArchitectureFactory<?>> architectures() {
        return List.of(new UnscaledTopKFactory());
    }
}
