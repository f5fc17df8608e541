package org.saelab.losses.multil0;

import org.saelab.api.LossTerm;
import org.saelab.api.LossTermFactory;
import org.saelab.api.RunContext;

public final class MultiL0Factory implements LossTermFactory<MultiL0Config> {
    @Override
    public String name() {
        return "multi-l0";
    }

    @Override
    public String description() {
        return "multi-L0 reconstruction: Σ_j weight_j · MSE at k_j on one encoding (the post's L(k_low) + λ·L(k_high))";
    }

    @Override
    public Class<MultiL0Config> configType() {
        return MultiL0Config.class;
    }

    @Override
    public MultiL0Config defaultConfig() {
        return MultiL0Config.defaults();
    }

    @Override
    public LossTerm create(MultiL0Config config, RunContext context) {
        return new MultiL0Term(config);
    }
}
