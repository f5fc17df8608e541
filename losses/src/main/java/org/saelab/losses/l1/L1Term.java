package org.saelab.losses.l1;

import org.saelab.api.LossTerm;
import org.saelab.api.Sae;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;

/**
 * coefficient · mean over the batch of Σ_j a_j, summed over the entries of the main code.
 *
 * <p>The code's values live in the decoder-norm-scaled space (a_j = relu(pre_j) · ‖W_dec[j]‖
 * for an SAE that rescales), so for such an SAE this is the penalty λ Σ_j relu(pre_j) ‖W_dec[j]‖
 * of the spec and of SAELens's standard SAE, which stops the SAE from shrinking activations by
 * growing decoder rows. Its gradient is coefficient / B on each entry's value; the SAE's encoder
 * backward pass carries it on to W_enc, b_enc, b_dec and, through the norms, to W_dec. For an SAE
 * that does not rescale (norms all 1) it is the plain L1 of the activations.
 */
public final class L1Term implements LossTerm {
    private final float coefficient;

    public L1Term(L1Config config) {
        this.coefficient = (float) config.coefficient();
    }

    @Override
    public double apply(TrainingState s, Sae sae) {
        if (coefficient == 0f) {
            return 0;
        }
        SparseCode code = s.main;
        int width = s.width;
        float grad = coefficient / s.batchSize;
        double sum = 0;
        for (int e = 0; e < code.count(); e++) {
            float v = code.values[e];
            if (v > 0f) {
                sum += v;
                s.gradPre[code.rows[e] * width + code.latents[e]] += grad;
            }
        }
        return coefficient * sum / s.batchSize;
    }
}
