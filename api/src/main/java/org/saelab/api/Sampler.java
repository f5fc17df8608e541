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

    /**
     * The stream the held-out evaluation batch is drawn from; the same as {@link #stream} for toy
     * models, whose every stream is fresh. Data from a file keep separate rows for it.
     */
    default BatchStream evaluationStream(long seed) {
        return stream(seed);
    }

    /**
     * What this sampler knows of the truth. With {@link GroundTruth#NONE} {@link #numFeatures()} is
     * 0 and {@link #directionsData()} is not called; with {@link GroundTruth#DIRECTIONS} the
     * batches' feature activations are not filled.
     */
    default GroundTruth groundTruth() {
        return GroundTruth.FULL;
    }
}
