package org.saelab.losses;

import java.util.List;
import org.saelab.api.LossTermFactory;
import org.saelab.api.Plugin;
import org.saelab.losses.auxk.AuxKFactory;
import org.saelab.losses.l1.L1Factory;
import org.saelab.losses.mse.MseFactory;
import org.saelab.losses.multil0.MultiL0Factory;

/** The loss terms that ship with saelab. */
public final class LossesPlugin implements Plugin {
    @Override
    public String name() {
        return "core-losses";
    }

    @Override
    public List<LossTermFactory<?>> lossTerms() {
        return List.of(new MseFactory(), new MultiL0Factory(), new AuxKFactory(), new L1Factory());
    }
}
