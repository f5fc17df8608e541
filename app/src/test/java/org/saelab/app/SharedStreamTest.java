package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.saelab.api.KSchedule;
import org.saelab.api.LossTerm;
import org.saelab.api.TrainingConfig;
import org.saelab.architectures.batchtopk.BatchTopKConfig;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.losses.auxk.AuxKConfig;
import org.saelab.losses.auxk.AuxKTerm;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;
import org.saelab.runner.train.Trainer;
import org.saelab.runner.train.TrainingException;
import org.saelab.samplers.post20.Post20Config;
import org.saelab.samplers.post20.Post20Sampler;

/**
 * SAEs trained together on one stream of batches (each batch generated once) end as each would
 * trained alone on that stream, bit for bit, whichever thread generates the batches; a member
 * that fails is named.
 */
class SharedStreamTest {
    private static final TrainingConfig CONFIG = TrainingConfig.defaults().withSamples(80 * 1024);
    private static final TrainingConfig DECAY = CONFIG.withKSchedule(KSchedule.linear(10, 2), 0);
    private static final long STREAM_SEED = 17;

    /** One member's setup: its config, k, loss terms and the seed of its initial weights. */
    private record Setup(TrainingConfig config, int k, boolean auxk, long init) {
        BatchTopKSae sae() {
            BatchTopKSae sae = new BatchTopKSae(50, new BatchTopKConfig(20, k));
            sae.initialiseRandom(init);
            return sae;
        }

        List<LossTerm> terms() {
            LossTerm mse = new MseTerm(MseConfig.defaults());
            return auxk ? List.of(mse, new AuxKTerm(new AuxKConfig(1.0, 10))) : List.of(mse);
        }
    }

    private static final List<Setup> SETUPS = List.of(new Setup(CONFIG, 5, true, 1), new Setup(CONFIG, 3, false, 2),
            new Setup(DECAY, 2, true, 3), new Setup(CONFIG, 8, true, 4));

    private static float[][] alone(Setup setup) {
        BatchTopKSae sae = setup.sae();
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        float[] losses = new Trainer(setup.config(), List.of(), Long.MAX_VALUE).train(sae, setup.terms(),
                sampler.stream(STREAM_SEED), sampler.numFeatures(), setup.k());
        return new float[][] {losses, sae.parameters().data().clone()};
    }

    @Test
    void membersEndAsEachWouldAloneWhicheverThreadGeneratesTheBatches() {
        for (long prefetchAfter : new long[] {Long.MAX_VALUE, 0, 29}) {
            List<BatchTopKSae> saes = SETUPS.stream().map(Setup::sae).toList();
            List<Trainer.Member> members = new java.util.ArrayList<>();
            for (int i = 0; i < SETUPS.size(); i++) {
                Setup s = SETUPS.get(i);
                members.add(new Trainer.Member(new Trainer(s.config(), List.of(), prefetchAfter), saes.get(i), s.terms(),
                        s.k(), null));
            }
            Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
            double[] seconds = new double[SETUPS.size()];
            List<float[]> losses = Trainer.trainTogether(members, sampler.stream(STREAM_SEED), sampler.numFeatures(),
                    seconds);
            for (int i = 0; i < SETUPS.size(); i++) {
                float[][] expected = alone(SETUPS.get(i));
                assertArrayEquals(expected[0], losses.get(i), "losses of member " + i + ", data thread " + prefetchAfter);
                assertArrayEquals(expected[1], saes.get(i).parameters().data(),
                        "parameters of member " + i + ", data thread " + prefetchAfter);
                assertTrue(seconds[i] > 0, "member " + i + " stepped for " + seconds[i] + " s");
            }
        }
        assertTrue(!java.util.Arrays.equals(alone(SETUPS.get(0))[1], alone(SETUPS.get(3))[1]), "members differ");
    }

    @Test
    void aFailingMemberIsNamedAndStopsTheGroup() {
        Setup good = SETUPS.get(0);
        LossTerm mse = new MseTerm(MseConfig.defaults());
        LossTerm poisoned = (state, sae) -> state.step >= 7 ? Double.NaN : mse.apply(state, sae);
        List<Trainer.Member> members = List.of(
                new Trainer.Member(new Trainer(CONFIG, List.of()), good.sae(), good.terms(), 5, null),
                new Trainer.Member(new Trainer(CONFIG, List.of()), good.sae(), List.of(poisoned), 5, null));
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        Trainer.MemberFailure failure = assertThrows(Trainer.MemberFailure.class,
                () -> Trainer.trainTogether(members, sampler.stream(STREAM_SEED), sampler.numFeatures(), null));
        assertEquals(1, failure.member());
        assertTrue(failure.failure() instanceof TrainingException, failure.failure().toString());
        assertTrue(failure.getMessage().contains("loss is NaN at step 8"), failure.getMessage());
    }

    @Test
    void membersOfAnotherLengthOrAResumedRunAreRefused() {
        Setup s = SETUPS.get(0);
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        List<Trainer.Member> members = List.of(new Trainer.Member(new Trainer(CONFIG, List.of()), s.sae(), s.terms(), 5, null),
                new Trainer.Member(new Trainer(CONFIG.withSamples(40 * 1024), List.of()), s.sae(), s.terms(), 5, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.trainTogether(members, sampler.stream(STREAM_SEED), sampler.numFeatures(), null));
        assertTrue(e.getMessage().contains("members differ in steps"), e.getMessage());
    }
}
