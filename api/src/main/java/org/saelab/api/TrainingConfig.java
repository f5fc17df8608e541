package org.saelab.api;

/**
 * The training loop's settings (SAELens's BatchTopK defaults).
 *
 * @param samples training samples; the run makes ⌈samples / batchSize⌉ steps
 * @param batchSize samples per step, fresh every step
 * @param learningRate Adam's constant learning rate
 * @param adamBeta1 Adam β1
 * @param adamBeta2 Adam β2
 * @param adamEpsilon Adam ε
 * @param seed the master seed of the run
 * @param init random (Gaussian decoder rows of norm 0.1) or ground-truth (the true directions)
 */
public record TrainingConfig(long samples, int batchSize, double learningRate, double adamBeta1, double adamBeta2,
        double adamEpsilon, long seed, String init) {
    public TrainingConfig {
        ConfigException.check(samples > 0, "training.samples", samples, "must be > 0");
        ConfigException.check(batchSize > 0, "training.batchSize", batchSize, "must be > 0");
        ConfigException.checkPositive("training.learningRate", learningRate);
        ConfigException.check(adamBeta1 >= 0 && adamBeta1 < 1, "training.adamBeta1", adamBeta1, "must be in [0, 1)");
        ConfigException.check(adamBeta2 >= 0 && adamBeta2 < 1, "training.adamBeta2", adamBeta2, "must be in [0, 1)");
        ConfigException.checkPositive("training.adamEpsilon", adamEpsilon);
        ConfigException.check("random".equals(init) || "ground-truth".equals(init), "training.init", init,
                "must be random or ground-truth");
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(25_000_000L, 1024, 3e-4, 0.9, 0.999, 1e-8, 0L, "random");
    }

    public long steps() {
        return (samples + batchSize - 1) / batchSize;
    }

    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(samples, batchSize, learningRate, adamBeta1, adamBeta2, adamEpsilon, newSeed, init);
    }

    public TrainingConfig withSamples(long newSamples) {
        return new TrainingConfig(newSamples, batchSize, learningRate, adamBeta1, adamBeta2, adamEpsilon, seed, init);
    }
}
