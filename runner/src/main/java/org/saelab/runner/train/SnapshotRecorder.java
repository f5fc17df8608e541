package org.saelab.runner.train;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.saelab.api.Sae;
import org.saelab.api.SaeParameters;
import org.saelab.api.TrainingListener;
import org.saelab.api.TrainingState;

/**
 * Records the decoder's cosine with the true directions after the first step, every
 * {@code every} steps, and after the last, so a run's evolution can be animated. Allocates only
 * on the steps it records.
 */
public final class SnapshotRecorder implements TrainingListener {
    private final int every;
    private final float[] directions;
    private final int numFeatures;
    private final List<Snapshot> snapshots = new ArrayList<>();
    private long totalSteps;

    public SnapshotRecorder(int every, float[] directions, int numFeatures) {
        if (every <= 0) {
            throw new IllegalArgumentException("every must be > 0: " + every);
        }
        this.every = every;
        this.directions = requireNonNull(directions, "directions is null");
        this.numFeatures = numFeatures;
    }

    @Override
    public void onStart(long steps, int batchSize) {
        totalSteps = steps;
    }

    /** Continues a resumed run: the snapshots recorded before its checkpoint. */
    void restore(List<Snapshot> before) {
        snapshots.clear();
        snapshots.addAll(before);
    }

    @Override
    public void onStep(long step, double loss, TrainingState state, Sae sae) {
        if (step == 1 || step % every == 0 || step == totalSteps) {
            snapshots.add(new Snapshot(step, state.k, decoderCos(sae.parameters(), directions, numFeatures)));
        }
    }

    public List<Snapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    /** Cosine of every decoder row with every true direction, [width][numFeatures]. */
    static double[][] decoderCos(SaeParameters p, float[] directions, int numFeatures) {
        int width = p.width();
        int inputDim = p.inputDim();
        float[] data = p.data();
        int offset = p.wDecOffset();
        double[] directionNorms = new double[numFeatures];
        for (int f = 0; f < numFeatures; f++) {
            double sum = 0;
            for (int i = 0; i < inputDim; i++) {
                double d = directions[f * inputDim + i];
                sum += d * d;
            }
            directionNorms[f] = Math.sqrt(sum);
        }
        double[][] out = new double[width][numFeatures];
        for (int j = 0; j < width; j++) {
            int row = offset + j * inputDim;
            double norm = 0;
            for (int i = 0; i < inputDim; i++) {
                norm += (double) data[row + i] * data[row + i];
            }
            norm = Math.sqrt(norm);
            for (int f = 0; f < numFeatures; f++) {
                double dot = 0;
                for (int i = 0; i < inputDim; i++) {
                    dot += (double) data[row + i] * directions[f * inputDim + i];
                }
                double denominator = norm * directionNorms[f];
                out[j][f] = denominator == 0 ? 0 : dot / denominator;
            }
        }
        return out;
    }
}
