package org.saelab.samplers.post20;

import org.saelab.api.ConfigException;
import org.saelab.api.SamplerConfig;

/**
 * The post20 toy model: feature 0 fires with probability {@code p0}; features 1..n−1 have base
 * probabilities falling linearly from {@code pFirst} to {@code pLast} and fire {@code boost} times
 * as often (capped at 1) in samples where feature 0 fires. JSON names are the component names.
 *
 * @param numFeatures n, the number of true features (≥ 2)
 * @param inputDim d_in, the dimension of x (≥ numFeatures, so the directions can be orthonormal)
 * @param p0 probability that feature 0 fires
 * @param pFirst base probability P_1 of feature 1
 * @param pLast base probability P_{n−1} of the last feature
 * @param boost factor on P_i in samples where feature 0 fires (the result is capped at 1)
 * @param magnitudeMean mean of a firing feature's magnitude before clipping at 0
 * @param magnitudeStd standard deviation of a firing feature's magnitude before clipping at 0
 * @param directionSeed seed of the Gaussian matrix whose QR gives the true directions
 */
public record Post20Config(int numFeatures, int inputDim, double p0, double pFirst, double pLast, double boost,
        double magnitudeMean, double magnitudeStd, long directionSeed) implements SamplerConfig {
    public Post20Config {
        ConfigException.check(numFeatures >= 2, "sampler.numFeatures", numFeatures, "must be >= 2");
        ConfigException.check(inputDim >= numFeatures, "sampler.inputDim", inputDim,
                "must be >= sampler.numFeatures (" + numFeatures + ") so the directions can be orthonormal");
        ConfigException.check((long) numFeatures * inputDim <= Integer.MAX_VALUE - 8, "sampler.inputDim", inputDim,
                "numFeatures × inputDim must fit in one Java array");
        ConfigException.checkProbability("sampler.p0", p0);
        ConfigException.checkProbability("sampler.pFirst", pFirst);
        ConfigException.checkProbability("sampler.pLast", pLast);
        ConfigException.check(boost >= 0 && Double.isFinite(boost), "sampler.boost", boost, "must be finite and >= 0");
        ConfigException.check(Double.isFinite(magnitudeMean), "sampler.magnitudeMean", magnitudeMean, "must be finite");
        ConfigException.check(magnitudeStd >= 0 && Double.isFinite(magnitudeStd), "sampler.magnitudeStd", magnitudeStd,
                "must be finite and >= 0");
    }

    /** The model of the spec: 20 features in 50 dimensions, expected L0 = 5. */
    public static Post20Config defaults() {
        return new Post20Config(20, 50, 0.25, 0.35, 0.05, 2.0, 1.0, 0.15, 0L);
    }
}
