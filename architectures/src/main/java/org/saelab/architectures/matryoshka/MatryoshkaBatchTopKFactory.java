package org.saelab.architectures.matryoshka;

import org.saelab.api.ArchitectureFactory;
import org.saelab.api.RunContext;
import org.saelab.api.Sae;

public final class MatryoshkaBatchTopKFactory implements ArchitectureFactory<MatryoshkaBatchTopKConfig> {
    @Override
    public String name() {
        return "matryoshka-batchtopk";
    }

    @Override
    public String description() {
        return "Matryoshka BatchTopK SAE: BatchTopK with nested prefix widths; train with one mse term per prefix (latents: m_i)";
    }

    @Override
    public Class<MatryoshkaBatchTopKConfig> configType() {
        return MatryoshkaBatchTopKConfig.class;
    }

    @Override
    public MatryoshkaBatchTopKConfig defaultConfig() {
        return MatryoshkaBatchTopKConfig.defaults();
    }

    @Override
    public Sae create(MatryoshkaBatchTopKConfig config, RunContext context) {
        MatryoshkaBatchTopKSae sae = new MatryoshkaBatchTopKSae(context.inputDim(), config);
        sae.initialiseRandom(context.seeds().seed("architecture.init"));
        return sae;
    }
}
