package org.saelab.api;

/**
 * The active latents of a batch as (row, latent, value) entries in row-major order, in
 * preallocated arrays. Values are activations in the decoder-norm-scaled space; {@link #grads}
 * receives dLoss/dvalue during the backward pass.
 */
public final class SparseCode {
    private int count;
    public final int[] rows;
    public final int[] latents;
    public final float[] values;

    public SparseCode(int capacity) {
        rows = new int[capacity];
        latents = new int[capacity];
        values = new float[capacity];
    }

    public int count() {
        return count;
    }

    public int capacity() {
        return rows.length;
    }

    public void clear() {
        count = 0;
    }

    public void add(int row, int latent, float value) {
        rows[count] = row;
        latents[count] = latent;
        values[count] = value;
        count++;
    }
}
