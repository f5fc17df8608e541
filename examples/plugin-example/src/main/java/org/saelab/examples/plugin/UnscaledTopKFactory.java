package org.saelab.examples.plugin;

import org.saelab.api.ArchitectureFactory;
import org.saelab.api.RunContext;
import org.saelab.api.Sae;

/** The factory's name is the {@code type} name in config files, results and {@code saelab list}. */
public final class UnscaledTopKFactory implements ArchitectureFactory<UnscaledTopKConfig> {
    @Override
    public String name() {
        return "example-topk-unscaled";
    }

    @Override
    public String description() {
        return "example plugin: the k largest activations of each sample, without decoder-norm rescaling";
    }

    @Override
    public Class<UnscaledTopKConfig> configType() {
        return UnscaledTopKConfig.class;
    }

    @Override
    public UnscaledTopKConfig defaultConfig() {
        return UnscaledTopKConfig.defaults();
    }

    @Override
    public Sae create(UnscaledTopKConfig config, RunContext context) {
        UnscaledTopKSae sae = new UnscaledTopKSae(context.inputDim(), config);
        // the plugin's own seed stream, derived from the run's seed: no global random state
        sae.initialiseRandom(context.seeds().seed("architecture.init"));
        return sae;
    }
}
