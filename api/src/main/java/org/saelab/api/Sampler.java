package org.saelab.api;

import java.util.OptionalDouble;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A toy model: true feature directions E [numFeatures × inputDim] and a way to draw samples
 * x = f · E. The directions are fixed by the sampler's config; {@link #stream(long)} draws data
 * with its own seed, so training and evaluation streams never share samples.
 */
public interface Sampler {
    int numFeatures();

    int inputDim();

    /** The unit-norm true directions, one per row, as a row-major float array. */
    float[] directionsData();

    default INDArray directions() {
        return org.nd4j.linalg.factory.Nd4j.create(directionsData(), new long[] {numFeatures(), inputDim()}, 'c');
    }

    /** The analytic expected number of firing features per sample, when the model has one. */
    OptionalDouble expectedL0();

    BatchStream stream(long seed);
}
