package org.saelab.architectures.standard;

import org.saelab.api.ArchitectureFactory;
import org.saelab.api.RunContext;
import org.saelab.api.Sae;

public final class StandardFactory implements ArchitectureFactory<StandardConfig> {
    @Override
    public String name() {
        return "standard";
    }

    @Override
    public String description() {
        return "standard ReLU SAE: every positive activation fires; train with mse plus an l1 term";
    }

    @Override
    public Class<StandardConfig> configType() {
        return StandardConfig.class;
    }

    @Override
    public StandardConfig defaultConfig() {
        return StandardConfig.defaults();
    }

    @Override
    public Sae create(StandardConfig config, RunContext context) {
        StandardSae sae = new StandardSae(context.inputDim(), config);
        sae.initialiseRandom(context.seeds().seed("architecture.init"));
        return sae;
    }
}
