package org.saelab.losses.auxk;

import org.saelab.api.LossTerm;
import org.saelab.api.Sae;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;

/**
 * The AuxK term: with n_dead > 0 dead latents, each sample keeps its k_aux = min(d_in / 2,
 * n_dead) largest pre-activations among the dead latents (scaled, before relu), decodes them
 * with b_dec, and that reconstruction must match the residual x − x̂ of the main code (a
 * constant). Value: coefficient · min(n_dead / (d_in / 2), 1) · MSE.
 */
public final class AuxKTerm implements LossTerm {
    private final float coefficient;
    private final long deadWindow;
    private int[] dead;
    private float[] rowValues;
    private float[] scratch;
    private SparseCode code;
    private float[] reconstruction;
    private float[] residualError;

    public AuxKTerm(AuxKConfig config) {
        this.coefficient = (float) config.coefficient();
        this.deadWindow = config.deadWindow();
    }

    /** Idle while no latent is dead (or the term has no weight). */
    @Override
    public boolean idle(TrainingState s, Sae sae) {
        if (s.inputDim / 2 == 0 || coefficient == 0f) {
            return true;
        }
        for (int j = 0; j < sae.width(); j++) {
            if (s.stepsSinceFired[j] > deadWindow) {
                return false;
            }
        }
        return true;
    }

    @Override
    public double apply(TrainingState s, Sae sae) {
        int width = sae.width();
        if (dead == null) {
            dead = new int[width];
            rowValues = new float[width];
            scratch = new float[width];
            code = new SparseCode(s.main.capacity());
            reconstruction = new float[s.reconstruction.length];
            residualError = new float[s.reconstruction.length];
        }
        int deadCount = 0;
        for (int j = 0; j < width; j++) {
            if (s.stepsSinceFired[j] > deadWindow) {
                dead[deadCount++] = j;
            }
        }
        int half = s.inputDim / 2;
        if (deadCount == 0 || half == 0 || coefficient == 0f) {
            return 0;
        }
        int kAux = Math.min(half, deadCount);
        float scale = (float) Math.min((double) deadCount / half, 1.0) * coefficient;
        selectAmongDead(s, deadCount, kAux);
        sae.decode(s, code, width, reconstruction);
        float[] x = s.batch.inputs;
        float[] mainReconstruction = s.reconstruction;
        float[] grad = s.gradReconstruction;
        int n = s.batchSize * s.inputDim;
        float gradScale = 2f * scale / s.batchSize;
        for (int e = 0; e < n; e++) {
            float diff = reconstruction[e] - (x[e] - mainReconstruction[e]);
            residualError[e] = diff;
            grad[e] = gradScale * diff;
        }
        double sum = org.saelab.losses.mse.SquaredError.sum(residualError, n);
        sae.backwardDecode(s, code, width, grad);
        return scale * sum / s.batchSize;
    }

    /** Per sample, the kAux largest scaled pre-activations among the dead latents (any sign). */
    private void selectAmongDead(TrainingState s, int deadCount, int kAux) {
        code.clear();
        int width = s.width;
        for (int b = 0; b < s.batchSize; b++) {
            int row = b * width;
            if (kAux == deadCount) {
                for (int d = 0; d < deadCount; d++) {
                    code.add(b, dead[d], s.pre[row + dead[d]]);
                }
                continue;
            }
            for (int d = 0; d < deadCount; d++) {
                rowValues[d] = s.pre[row + dead[d]];
                scratch[d] = rowValues[d];
            }
            float cut = org.saelab.api.TopK.kthLargest(scratch, deadCount, kAux - 1);
            int above = 0;
            for (int d = 0; d < deadCount; d++) {
                if (rowValues[d] > cut) {
                    above++;
                }
            }
            int ties = kAux - above;
            for (int d = 0; d < deadCount; d++) {
                float v = rowValues[d];
                if (v > cut || (v == cut && ties-- > 0)) {
                    code.add(b, dead[d], v);
                }
            }
        }
    }
}
