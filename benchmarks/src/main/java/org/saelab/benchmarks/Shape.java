package org.saelab.benchmarks;

import java.util.List;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.LossTerm;
import org.saelab.api.TrainingState;
import org.saelab.architectures.batchtopk.BatchTopKConfig;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.losses.auxk.AuxKConfig;
import org.saelab.losses.auxk.AuxKTerm;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;
import org.saelab.samplers.post20.Post20Config;
import org.saelab.samplers.post20.Post20Sampler;

/** The shapes the benchmarks run at, by name: the post's default run and a larger SAE. */
record Shape(int inputDim, int numFeatures, int width, double k, int batchSize) {
    static Shape named(String name) {
        return switch (name) {
            case "post" -> new Shape(50, 20, 20, 5, 1024);
            case "large" -> new Shape(512, 20, 4096, 32, 4096);
            default -> {
                // inputDim x width, batch 1024, k 5 (for the encoder crossover)
                String[] parts = name.split("x");
                yield new Shape(Integer.parseInt(parts[0]), 20, Integer.parseInt(parts[1]), 5, 1024);
            }
        };
    }

    Post20Sampler sampler() {
        Post20Config d = Post20Config.defaults();
        return new Post20Sampler(new Post20Config(numFeatures, inputDim, d.p0(), d.pFirst(), d.pLast(), d.boost(),
                d.magnitudeMean(), d.magnitudeStd(), d.directionSeed()));
    }

    BatchTopKSae sae() {
        BatchTopKSae sae = new BatchTopKSae(inputDim, new BatchTopKConfig(width, k));
        sae.initialiseRandom(1);
        return sae;
    }

    /** The post's loss: MSE plus AuxK (on, as in every run; it costs nothing while no latent is dead). */
    List<LossTerm> terms() {
        return List.of(new MseTerm(MseConfig.defaults()), new AuxKTerm(AuxKConfig.defaults()));
    }

    TrainingState state() {
        TrainingState state = new TrainingState(batchSize, inputDim, width, numFeatures);
        state.k = k;
        return state;
    }

    Batch[] batches(int count) {
        BatchStream stream = sampler().stream(7);
        Batch[] batches = new Batch[count];
        for (int i = 0; i < count; i++) {
            batches[i] = new Batch(batchSize, inputDim, numFeatures);
            stream.next(batches[i]);
        }
        return batches;
    }
}
