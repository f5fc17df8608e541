package org.saelab.samplers.post20;

import static java.util.Objects.requireNonNull;

import org.saelab.api.RunContext;
import org.saelab.api.Sampler;
import org.saelab.api.SamplerFactory;

public final class Post20Factory implements SamplerFactory<Post20Config> {
    public static final String NAME = "post20";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "20 orthonormal features; feature 0 boosts the firing of features 1..19 (expected L0 5)";
    }

    @Override
    public Class<Post20Config> configType() {
        return Post20Config.class;
    }

    @Override
    public Post20Config defaultConfig() {
        return Post20Config.defaults();
    }

    /** The context is unused: directions come from the config, data seeds are given to {@code stream}. */
    @Override
    public Sampler create(Post20Config config, RunContext context) {
        return new Post20Sampler(requireNonNull(config, "config is null"));
    }
}
