package org.saelab.architectures.topk;

import org.saelab.api.ArchitectureFactory;
import org.saelab.api.RunContext;
import org.saelab.api.Sae;

public final class TopKFactory implements ArchitectureFactory<TopKConfig> {
    @Override
    public String name() {
        return "topk";
    }

    @Override
    public String description() {
        return "TopK SAE: the k largest activations of each sample, decoder-norm rescaling";
    }

    @Override
    public Class<TopKConfig> configType() {
        return TopKConfig.class;
    }

    @Override
    public TopKConfig defaultConfig() {
        return TopKConfig.defaults();
    }

    @Override
    public Sae create(TopKConfig config, RunContext context) {
        TopKSae sae = new TopKSae(context.inputDim(), config);
        sae.initialiseRandom(context.seeds().seed("architecture.init"));
        return sae;
    }
}
