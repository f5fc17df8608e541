package org.saelab.losses.l1;

import org.saelab.api.LossTerm;
import org.saelab.api.LossTermFactory;
import org.saelab.api.RunContext;

public final class L1Factory implements LossTermFactory<L1Config> {
    @Override
    public String name() {
        return "l1";
    }

    @Override
    public String description() {
        return "L1 sparsity penalty: coefficient · mean Σ_j a_j ‖W_dec[j]‖ (activations in the decoder-norm-scaled space)";
    }

    @Override
    public Class<L1Config> configType() {
        return L1Config.class;
    }

    @Override
    public L1Config defaultConfig() {
        return L1Config.defaults();
    }

    @Override
    public LossTerm create(L1Config config, RunContext context) {
        return new L1Term(config);
    }
}
