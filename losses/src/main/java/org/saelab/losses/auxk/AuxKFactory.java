package org.saelab.losses.auxk;

import org.saelab.api.LossTerm;
import org.saelab.api.LossTermFactory;
import org.saelab.api.RunContext;

public final class AuxKFactory implements LossTermFactory<AuxKConfig> {
    @Override
    public String name() {
        return "auxk";
    }

    @Override
    public String description() {
        return "dead-latent loss (SAELens AuxK): dead latents learn to reconstruct the residual";
    }

    @Override
    public Class<AuxKConfig> configType() {
        return AuxKConfig.class;
    }

    @Override
    public AuxKConfig defaultConfig() {
        return AuxKConfig.defaults();
    }

    @Override
    public LossTerm create(AuxKConfig config, RunContext context) {
        return new AuxKTerm(config);
    }
}
