package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.LossTerm;
import org.saelab.api.TrainingConfig;
import org.saelab.architectures.batchtopk.BatchTopKConfig;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.losses.auxk.AuxKConfig;
import org.saelab.losses.auxk.AuxKTerm;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;
import org.saelab.runner.train.Trainer;
import org.saelab.samplers.post20.Post20Config;
import org.saelab.samplers.post20.Post20Sampler;

/**
 * Which thread generates the batches changes nothing: a run whose data thread starts at the
 * first step, one where it starts mid-run and one without it give the same losses and
 * parameters, bit for bit.
 */
class PrefetchIdentityTest {
    private static final TrainingConfig CONFIG = TrainingConfig.defaults().withSamples(90 * 1024);

    private static float[][] train(long prefetchAfter) {
        BatchTopKSae sae = new BatchTopKSae(50, new BatchTopKConfig(20, 5));
        sae.initialiseRandom(4);
        List<LossTerm> terms = List.of(new MseTerm(MseConfig.defaults()), new AuxKTerm(new AuxKConfig(1.0, 10)));
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        float[] losses = new Trainer(CONFIG, List.of(), prefetchAfter).train(sae, terms, sampler.stream(11),
                sampler.numFeatures(), 5);
        return new float[][] {losses, sae.parameters().data().clone()};
    }

    @Test
    void theDataThreadFromTheStartMidRunOrNeverGivesTheSameRun() {
        float[][] inline = train(Long.MAX_VALUE);
        for (long after : new long[] {0, 37}) {
            float[][] prefetched = train(after);
            assertArrayEquals(inline[0], prefetched[0], "losses, data thread after " + after + " steps");
            assertArrayEquals(inline[1], prefetched[1], "parameters, data thread after " + after + " steps");
        }
    }
}
