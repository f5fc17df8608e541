package org.saelab.architectures.batchtopk;

import org.saelab.api.ArchitectureFactory;
import org.saelab.api.RunContext;
import org.saelab.api.Sae;

public final class BatchTopKFactory implements ArchitectureFactory<BatchTopKConfig> {
    @Override
    public String name() {
        return "batchtopk";
    }

    @Override
    public String description() {
        return "BatchTopK SAE (SAELens semantics): top k·B activations over the batch, decoder-norm rescaling";
    }

    @Override
    public Class<BatchTopKConfig> configType() {
        return BatchTopKConfig.class;
    }

    @Override
    public BatchTopKConfig defaultConfig() {
        return BatchTopKConfig.defaults();
    }

    @Override
    public Sae create(BatchTopKConfig config, RunContext context) {
        BatchTopKSae sae = new BatchTopKSae(context.inputDim(), config);
        sae.initialiseRandom(context.seeds().seed("architecture.init"));
        return sae;
    }
}
