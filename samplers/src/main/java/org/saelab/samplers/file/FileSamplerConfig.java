package org.saelab.samplers.file;

import java.util.List;
import org.saelab.api.ConfigException;
import org.saelab.api.SamplerConfig;

/**
 * Activations from files, float32 [N, d_in]: {@code .npy} files, or {@code .safetensors} files
 * holding a 2-D F32 tensor. Exactly one of {@code path} and {@code paths} is set; which files
 * exist and what they hold is checked when the sampler is built, before training.
 *
 * @param path one file
 * @param paths several files, read one after the other as if concatenated (same d_in)
 * @param tensor the tensor to read from safetensors files; empty: the file's only tensor
 * @param directions optional .npy file of true directions [numFeatures, d_in]; when given, the
 *     metrics that compare the SAE with the true directions run (the per-sample feature
 *     activations stay unknown)
 * @param heldOut rows at the end of the data kept for the evaluation batch and never trained on;
 *     0 evaluates on the first rows, which training also sees
 */
public record FileSamplerConfig(String path, List<String> paths, String tensor, String directions, long heldOut)
        implements SamplerConfig {
    public FileSamplerConfig {
        path = path == null ? "" : path;
        paths = paths == null ? List.of() : List.copyOf(paths);
        tensor = tensor == null ? "" : tensor;
        directions = directions == null ? "" : directions;
        ConfigException.check(heldOut >= 0, "sampler.heldOut", heldOut, "must be >= 0");
        ConfigException.check(path.isEmpty() || paths.isEmpty(), "sampler.paths", paths,
                "set either sampler.path or sampler.paths, not both");
    }

    /** No file yet: the user sets {@code path} or {@code paths}. */
    public static FileSamplerConfig defaults() {
        return new FileSamplerConfig("", List.of(), "", "", 100_000);
    }

    List<String> files() {
        return path.isEmpty() ? paths : List.of(path);
    }
}
