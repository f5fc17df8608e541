package org.saelab.experiments.post;

import static java.util.Objects.requireNonNull;

import org.saelab.api.ExperimentModule;
import org.saelab.api.ExperimentSpec;

/** One of the post's BatchTopK runs that differ only in k. */
public final class PostKExperiment extends ExperimentModule {
    private final String name;
    private final double k;
    private final String description;

    private PostKExperiment(String name, double k, String description) {
        this.name = requireNonNull(name, "name is null");
        this.k = k;
        this.description = requireNonNull(description, "description is null");
    }

    public static PostKExperiment case2() {
        return new PostKExperiment("post-case2", 4,
                "post20, BatchTopK k = 4 < true L0: hedging, feature 0 mixed into the other latents");
    }

    public static PostKExperiment case3() {
        return new PostKExperiment("post-case3", 3, "post20, BatchTopK k = 3: more hedging, latents of features 1–10 broken");
    }

    public static PostKExperiment k6() {
        return new PostKExperiment("post-k6", 6, "post20, BatchTopK k = 6 > true L0: some slightly broken latents");
    }

    public static PostKExperiment k8() {
        return new PostKExperiment("post-k8", 8, "post20, BatchTopK k = 8: most latents broken, no systematic hedging");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    protected ExperimentSpec spec() {
        return PostDefaults.batchTopK(k);
    }
}
