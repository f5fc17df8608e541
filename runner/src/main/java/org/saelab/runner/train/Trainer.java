package org.saelab.runner.train;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.saelab.api.Batch;
import org.saelab.api.BatchStream;
import org.saelab.api.LossTerm;
import org.saelab.api.Sae;
import org.saelab.api.TrainingConfig;
import org.saelab.api.TrainingListener;
import org.saelab.api.TrainingState;
import org.saelab.api.TrainingStep;

/**
 * The training loop: a fresh batch every step (generated on a second thread while the current
 * step trains), forward and backward through the SAE and loss terms, ND4J's Adam, listeners.
 * Everything the loop touches is allocated before the first step.
 */
public final class Trainer {
    private final TrainingConfig config;
    private final List<TrainingListener> listeners;

    public Trainer(TrainingConfig config, List<TrainingListener> listeners) {
        this.config = requireNonNull(config, "config is null");
        this.listeners = List.copyOf(listeners);
    }

    /** Trains {@code sae} in place at the constant {@code k}; returns the loss of every step. */
    public float[] train(Sae sae, List<LossTerm> terms, BatchStream data, int numFeatures, double k) {
        long steps = config.steps();
        if (steps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("training.samples = " + config.samples() + ": too many steps for one run");
        }
        TrainingState state = new TrainingState(config.batchSize(), sae.inputDim(), sae.width(), numFeatures);
        state.k = k;
        AdamOptimizer adam = new AdamOptimizer(sae.parameters().data().length, config.learningRate(),
                config.adamBeta1(), config.adamBeta2(), config.adamEpsilon());
        float[] losses = new float[(int) steps];
        float[] params = sae.parameters().data();
        for (TrainingListener listener : listeners) {
            listener.onStart(steps, config.batchSize());
        }
        // -Dsaelab.prefetch=false generates each batch on the training thread (for comparison)
        boolean prefetch = !"false".equals(System.getProperty("saelab.prefetch"));
        Batch inline = prefetch ? null : new Batch(config.batchSize(), sae.inputDim(), numFeatures);
        try (Prefetcher prefetcher = prefetch ? new Prefetcher(data, config.batchSize(), sae.inputDim(), numFeatures) : null) {
            for (long step = 0; step < steps; step++) {
                if (prefetch) {
                    state.batch = prefetcher.next();
                } else {
                    data.next(inline);
                    state.batch = inline;
                }
                state.step = step;
                double loss = TrainingStep.forwardBackward(sae, terms, state);
                if (!Double.isFinite(loss)) {
                    throw new TrainingException("loss is " + loss + " at step " + (step + 1)
                            + "; training stopped (try a lower training.learningRate)");
                }
                adam.step(params, state.grads);
                TrainingStep.updateFiring(state);
                sae.afterStep(state);
                losses[(int) step] = (float) loss;
                for (int l = 0; l < listeners.size(); l++) {
                    listeners.get(l).onStep(step + 1, loss, state, sae);
                }
            }
        }
        checkFinite(params);
        for (TrainingListener listener : listeners) {
            listener.onFinish(steps);
        }
        return losses;
    }

    private static void checkFinite(float[] params) {
        for (int i = 0; i < params.length; i++) {
            if (!Float.isFinite(params[i])) {
                throw new TrainingException("parameter " + i + " is " + params[i] + " after training");
            }
        }
    }
}
