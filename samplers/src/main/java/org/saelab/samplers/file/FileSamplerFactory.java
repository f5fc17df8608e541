package org.saelab.samplers.file;

import static java.util.Objects.requireNonNull;

import org.saelab.api.ConfigException;
import org.saelab.api.RunContext;
import org.saelab.api.Sampler;
import org.saelab.api.SamplerFactory;

public final class FileSamplerFactory implements SamplerFactory<FileSamplerConfig> {
    public static final String NAME = "file";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "your activations from .npy or .safetensors files, float32 [N, d_in], streamed from disk";
    }

    @Override
    public Class<FileSamplerConfig> configType() {
        return FileSamplerConfig.class;
    }

    @Override
    public FileSamplerConfig defaultConfig() {
        return FileSamplerConfig.defaults();
    }

    @Override
    public Sampler create(FileSamplerConfig config, RunContext context) {
        requireNonNull(config, "config is null");
        ConfigException.check(!config.files().isEmpty(), "sampler.path", "(empty)",
                "name a .npy or .safetensors file of float32 [N, d_in] (or several with sampler.paths)");
        return new FileSampler(config);
    }
}
