package org.saelab.api;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameters of a linear SAE in one flat float array (the layout the optimiser sees):
 * W_enc [inputDim × width], b_enc [width], W_dec [width × inputDim], b_dec [inputDim], all
 * row-major. Gradients use the same layout.
 */
public final class SaeParameters {
    private final int inputDim;
    private final int width;
    private final float[] data;

    public SaeParameters(int inputDim, int width) {
        this.inputDim = inputDim;
        this.width = width;
        this.data = new float[size(inputDim, width)];
    }

    public static int size(int inputDim, int width) {
        return Math.addExact(Math.multiplyExact(2, Math.multiplyExact(inputDim, width)), inputDim + width);
    }

    public int inputDim() {
        return inputDim;
    }

    public int width() {
        return width;
    }

    public float[] data() {
        return data;
    }

    public int wEncOffset() {
        return 0;
    }

    public int bEncOffset() {
        return inputDim * width;
    }

    public int wDecOffset() {
        return inputDim * width + width;
    }

    public int bDecOffset() {
        return 2 * inputDim * width + width;
    }

    /** A copy of one tensor ("W_enc", "b_enc", "W_dec", "b_dec") in its natural shape. */
    public INDArray tensor(String name) {
        return switch (name) {
            case "W_enc" -> Nd4j.create(copy(wEncOffset(), inputDim * width), new long[] {inputDim, width}, 'c');
            case "b_enc" -> Nd4j.create(copy(bEncOffset(), width), new long[] {width}, 'c');
            case "W_dec" -> Nd4j.create(copy(wDecOffset(), inputDim * width), new long[] {width, inputDim}, 'c');
            case "b_dec" -> Nd4j.create(copy(bDecOffset(), inputDim), new long[] {inputDim}, 'c');
            default -> throw new IllegalArgumentException("unknown tensor " + name + "; known: W_enc, b_enc, W_dec, b_dec");
        };
    }

    public float[] copy(int offset, int length) {
        float[] out = new float[length];
        System.arraycopy(data, offset, out, 0, length);
        return out;
    }

    public void copyFrom(SaeParameters other) {
        System.arraycopy(other.data, 0, data, 0, data.length);
    }
}
