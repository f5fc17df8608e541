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
 * @param kSchedule how the training k changes over the run (constant: the architecture's k)
 * @param snapshotEvery record the decoder/true-feature cosine matrix every this many steps (0: never)
 */
public record TrainingConfig(long samples, int batchSize, double learningRate, double adamBeta1, double adamBeta2,
        double adamEpsilon, long seed, String init, KSchedule kSchedule, int snapshotEvery) {
    public TrainingConfig {
        ConfigException.check(samples > 0, "training.samples", samples, "must be > 0");
        ConfigException.check(batchSize > 0, "training.batchSize", batchSize, "must be > 0");
        ConfigException.checkPositive("training.learningRate", learningRate);
        ConfigException.check(adamBeta1 >= 0 && adamBeta1 < 1, "training.adamBeta1", adamBeta1, "must be in [0, 1)");
        ConfigException.check(adamBeta2 >= 0 && adamBeta2 < 1, "training.adamBeta2", adamBeta2, "must be in [0, 1)");
        ConfigException.checkPositive("training.adamEpsilon", adamEpsilon);
        ConfigException.check("random".equals(init) || "ground-truth".equals(init), "training.init", init,
                "must be random or ground-truth");
        ConfigException.check(kSchedule != null, "training.kSchedule", null, "is required (type: constant or linear)");
        ConfigException.check(snapshotEvery >= 0, "training.snapshotEvery", snapshotEvery, "must be >= 0 (0: no snapshots)");
    }

    /** A run with a constant k and no snapshots. */
    public TrainingConfig(long samples, int batchSize, double learningRate, double adamBeta1, double adamBeta2,
            double adamEpsilon, long seed, String init) {
        this(samples, batchSize, learningRate, adamBeta1, adamBeta2, adamEpsilon, seed, init, KSchedule.constant(), 0);
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(25_000_000L, 1024, 3e-4, 0.9, 0.999, 1e-8, 0L, "random");
    }

    public long steps() {
        return (samples + batchSize - 1) / batchSize;
    }

    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(samples, batchSize, learningRate, adamBeta1, adamBeta2, adamEpsilon, newSeed, init,
                kSchedule, snapshotEvery);
    }

    public TrainingConfig withSamples(long newSamples) {
        return new TrainingConfig(newSamples, batchSize, learningRate, adamBeta1, adamBeta2, adamEpsilon, seed, init,
                kSchedule, snapshotEvery);
    }

    public TrainingConfig withKSchedule(KSchedule schedule, int newSnapshotEvery) {
        return new TrainingConfig(samples, batchSize, learningRate, adamBeta1, adamBeta2, adamEpsilon, seed, init,
                schedule, newSnapshotEvery);
    }
}
