package org.saelab.losses.multil0;

import java.util.ArrayList;
import java.util.List;
import org.saelab.api.LossTerm;
import org.saelab.api.Sae;
import org.saelab.api.TrainingState;
import org.saelab.losses.mse.MseConfig;
import org.saelab.losses.mse.MseTerm;

/** Σ_j weight_j · MSE(k_j): one {@link MseTerm} per level, all on the step's one encoding. */
public final class MultiL0Term implements LossTerm {
    private final MseTerm[] levels;

    public MultiL0Term(MultiL0Config config) {
        List<MseTerm> terms = new ArrayList<>();
        for (MultiL0Config.Level level : config.terms()) {
            terms.add(new MseTerm(new MseConfig(level.weight(), level.k(), config.latents())));
        }
        this.levels = terms.toArray(MseTerm[]::new);
    }

    @Override
    public double apply(TrainingState state, Sae sae) {
        double loss = 0;
        for (MseTerm level : levels) {
            loss += level.apply(state, sae);
        }
        return loss;
    }
}
