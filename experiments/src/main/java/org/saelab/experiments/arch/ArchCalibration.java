package org.saelab.experiments.arch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.saelab.api.ExperimentModule;
import org.saelab.api.ExperimentPlan;
import org.saelab.api.Variant;

/** The standard SAE over a grid of L1 coefficients: which coefficient gives which L0. */
final class ArchCalibration extends ExperimentModule {
    static final double[] GRID = {0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 1.6};

    @Override
    public String name() {
        return "arch-calibrate-l1";
    }

    @Override
    public String description() {
        return "standard ReLU SAE on post20 over L1 coefficients " + grid() + ": the L0 each gives (how arch-compare chose its coefficients)";
    }

    private static String grid() {
        List<String> out = new ArrayList<>();
        for (double c : GRID) {
            out.add(String.format(Locale.ROOT, "%s", c));
        }
        return String.join(", ", out);
    }

    @Override
    protected ExperimentPlan plan() {
        List<Variant> variants = new ArrayList<>();
        for (double c : GRID) {
            variants.add(new Variant("l1-" + c, ArchCompare.standard(c)));
        }
        return new ExperimentPlan(variants, List.of(0L), List.of());
    }
}
