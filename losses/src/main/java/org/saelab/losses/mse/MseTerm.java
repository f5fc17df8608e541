package org.saelab.losses.mse;

import org.saelab.api.ConfigException;
import org.saelab.api.LossTerm;
import org.saelab.api.Sae;
import org.saelab.api.SparseCode;
import org.saelab.api.TrainingState;

/** weight · MSE of a reconstruction; see {@link MseConfig}. */
public final class MseTerm implements LossTerm {
    private final float weight;
    private final Double k;
    private final Integer latents;
    private SparseCode code;
    private float[] reconstruction;

    public MseTerm(MseConfig config) {
        this.weight = (float) config.weight();
        this.k = config.k();
        this.latents = config.latents();
    }

    @Override
    public double apply(TrainingState s, Sae sae) {
        int limit = latents == null ? sae.width() : latents;
        if (limit > sae.width()) {
            // the message only on failure: built on every step, it was the step's one allocation
            ConfigException.check(false, "loss.latents", limit, "must be <= architecture.dSae (" + sae.width() + ")");
        }
        SparseCode used = s.main;
        float[] recon = s.reconstruction;
        boolean decoded = true;
        // a k equal to the step's training k is the main code, already selected
        boolean ownK = k != null && k != s.k;
        if (ownK || limit < sae.width()) {
            if (code == null) {
                code = new SparseCode(s.main.capacity());
                reconstruction = new float[s.reconstruction.length];
            }
            if (ownK) {
                code.clear();
                sae.select(s, k, code);
                used = code;
            }
            recon = reconstruction;
            decoded = false;
        }
        float scale = 2f * weight / s.batchSize;
        double squares = sae.squaredErrorBackward(s, used, limit, scale, recon, decoded);
        return weight * squares / s.batchSize;
    }

    /** The weight when this term is the MSE of the main code over every latent. */
    @Override
    public double mainSquaredErrorWeight(TrainingState s, Sae sae) {
        boolean ownK = k != null && k != s.k;
        boolean allLatents = latents == null || latents == sae.width();
        return ownK || !allLatents ? Double.NaN : weight;
    }
}
