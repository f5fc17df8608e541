package org.saelab.experiments.post;

import org.saelab.api.ExperimentModule;
import org.saelab.api.ExperimentSpec;

/** The post's case 1: k equal to the true L0 (5); the SAE should learn the 20 true features. */
public final class PostCase1 extends ExperimentModule {
    @Override
    public String name() {
        return "post-case1";
    }

    @Override
    public String description() {
        return "post20, BatchTopK k = 5 = true L0, 25M samples: a clean diagonal, every feature recovered";
    }

    @Override
    protected ExperimentSpec spec() {
        return PostDefaults.batchTopK(5);
    }
}
