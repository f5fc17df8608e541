package org.saelab.api;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One batch of toy-model data in preallocated row-major float buffers, refilled in place every
 * step. The hot loop reads the arrays directly; {@link #inputsArray()} gives an INDArray copy.
 */
public final class Batch {
    private final int size;
    private final int inputDim;
    private final int numFeatures;
    /** x, [size × inputDim] row-major. */
    public final float[] inputs;
    /** True feature activations f, [size × numFeatures] row-major. */
    public final float[] features;

    public Batch(int size, int inputDim, int numFeatures) {
        ConfigException.check(size > 0, "batchSize", size, "must be > 0");
        this.size = size;
        this.inputDim = inputDim;
        this.numFeatures = numFeatures;
        this.inputs = new float[Math.multiplyExact(size, inputDim)];
        this.features = new float[Math.multiplyExact(size, numFeatures)];
    }

    public int size() {
        return size;
    }

    public int inputDim() {
        return inputDim;
    }

    public int numFeatures() {
        return numFeatures;
    }

    public void copyFrom(Batch other) {
        System.arraycopy(other.inputs, 0, inputs, 0, inputs.length);
        System.arraycopy(other.features, 0, features, 0, features.length);
    }

    public INDArray inputsArray() {
        return Nd4j.create(inputs, new long[] {size, inputDim}, 'c');
    }

    public INDArray featuresArray() {
        return Nd4j.create(features, new long[] {size, numFeatures}, 'c');
    }
}
