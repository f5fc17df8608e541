package org.saelab.losses.mse;

import org.saelab.api.LossTerm;
import org.saelab.api.LossTermFactory;
import org.saelab.api.RunContext;

public final class MseFactory implements LossTermFactory<MseConfig> {
    @Override
    public String name() {
        return "mse";
    }

    @Override
    public String description() {
        return "reconstruction error: weight · mean Σ_d (x̂ − x)², optionally at its own k and latent prefix";
    }

    @Override
    public Class<MseConfig> configType() {
        return MseConfig.class;
    }

    @Override
    public MseConfig defaultConfig() {
        return MseConfig.defaults();
    }

    @Override
    public LossTerm create(MseConfig config, RunContext context) {
        return new MseTerm(config);
    }
}
