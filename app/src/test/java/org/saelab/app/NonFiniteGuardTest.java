package org.saelab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.saelab.api.LossTerm;
import org.saelab.api.Sae;
import org.saelab.api.TrainingConfig;
import org.saelab.architectures.batchtopk.BatchTopKConfig;
import org.saelab.architectures.batchtopk.BatchTopKSae;
import org.saelab.runner.train.Checkpoint;
import org.saelab.runner.train.Checkpointing;
import org.saelab.runner.train.Trainer;
import org.saelab.runner.train.TrainingException;
import org.saelab.samplers.post20.Post20Config;
import org.saelab.samplers.post20.Post20Sampler;

/** The trainer stops at the first non-finite loss or parameter, names it, and keeps the last good checkpoint. */
class NonFiniteGuardTest {
    @TempDir
    Path dir;

    private static final TrainingConfig CONFIG = TrainingConfig.defaults().withSamples(60 * 1024);

    private static BatchTopKSae sae() {
        BatchTopKSae sae = new BatchTopKSae(50, new BatchTopKConfig(20, 5));
        sae.initialiseRandom(1);
        return sae;
    }

    /** Plain reconstruction loss that, from {@code badStep} (0-based), poisons one gradient entry or the loss. */
    private static LossTerm poisoned(long badStep, int gradient, boolean poisonLoss) {
        LossTerm mse = new org.saelab.losses.mse.MseTerm(org.saelab.losses.mse.MseConfig.defaults());
        return (state, sae) -> {
            double loss = mse.apply(state, sae);
            if (state.step >= badStep) {
                if (poisonLoss) {
                    return Double.POSITIVE_INFINITY;
                }
                state.grads[gradient] = Float.NaN;
            }
            return loss;
        };
    }

    private float[] train(Sae sae, LossTerm term, Checkpointing checkpointing) {
        Post20Sampler sampler = new Post20Sampler(Post20Config.defaults());
        return new Trainer(CONFIG, List.of()).train(sae, List.of(term), sampler.stream(3), sampler.numFeatures(), 5,
                checkpointing);
    }

    @Test
    void aNonFiniteParameterStopsTrainingNamingTensorIndexAndStep() {
        BatchTopKSae sae = sae();
        int index = sae.parameters().wDecOffset() + 3 * 50 + 17;
        TrainingException e = assertThrows(TrainingException.class, () -> train(sae, poisoned(29, index, false), null));
        assertTrue(e.getMessage().startsWith("W_dec[3][17] is NaN after step 30;"), e.getMessage());
    }

    @Test
    void aNonFiniteLossStopsTrainingAndPointsAtTheLastGoodCheckpoint() {
        Path file = dir.resolve("run.safetensors");
        TrainingException e = assertThrows(TrainingException.class,
                () -> train(sae(), poisoned(44, 0, true), new Checkpointing(file, 10, null, "hash")));
        assertTrue(e.getMessage().startsWith("loss is Infinity at step 45;"), e.getMessage());
        assertTrue(e.getMessage().endsWith("the last good checkpoint is " + file), e.getMessage());
        Checkpoint last = Checkpoint.read(file);
        assertEquals(40, last.step());
        for (float p : last.parameters()) {
            assertTrue(Float.isFinite(p));
        }
    }

    @Test
    void aCheckpointOfAnotherShapeIsRefused() throws Exception {
        Path file = dir.resolve("run.safetensors");
        train(sae(), poisoned(Long.MAX_VALUE, 0, false), new Checkpointing(file, 10, null, "hash"));
        assertTrue(Files.exists(file));
        Checkpoint checkpoint = Checkpoint.read(file);
        BatchTopKSae wider = new BatchTopKSae(50, new BatchTopKConfig(30, 5));
        TrainingException e = assertThrows(TrainingException.class,
                () -> train(wider, poisoned(Long.MAX_VALUE, 0, false), new Checkpointing(file, 10, checkpoint, "hash")));
        assertTrue(e.getMessage().contains("does not fit this run"), e.getMessage());
    }
}
