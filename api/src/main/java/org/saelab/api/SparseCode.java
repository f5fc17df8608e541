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

    /**
     * Sets the number of entries, for code that fills {@link #rows}, {@link #latents} and
     * {@link #values} directly (several entries per vector store) or drops entries from the end.
     */
    void setCount(int count) {
        if (count < 0 || count > capacity()) {
            throw new IllegalArgumentException("count " + count + " outside [0, " + capacity() + "]");
        }
        this.count = count;
    }

    /**
     * Appends every entry of the row-major [rows × width] array {@code dense} that is
     * {@code >= cut}, in row-major order. The loop has no data-dependent branch: each entry is
     * written at the current end and the end moves on only when it is kept, so it needs one free
     * slot beyond the entries kept.
     */
    public void appendAtLeast(float[] dense, int rows, int width, float cut) {
        int[] r = this.rows;
        int[] l = this.latents;
        float[] v = this.values;
        int c = count;
        int last = r.length - 1;
        for (int b = 0; b < rows; b++) {
            int row = b * width;
            for (int j = 0; j < width; j++) {
                float value = dense[row + j];
                int at = Math.min(c, last);
                r[at] = b;
                l[at] = j;
                v[at] = value;
                c += value >= cut ? 1 : 0;
            }
        }
        count = c;
    }

    public void add(int row, int latent, float value) {
        rows[count] = row;
        latents[count] = latent;
        values[count] = value;
        count++;
    }
}
