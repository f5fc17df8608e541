package org.saelab.losses.mse;

/**
 * Sums of squares in double with four independent accumulators: one accumulator makes the loop
 * wait on each addition's latency, and the loss value is summed over every element of the batch.
 */
public final class SquaredError {
    private SquaredError() {}

    /** Σ (a[e] − b[e])² over the first n elements. */
    public static double sum(float[] a, float[] b, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int e = 0;
        for (; e + 4 <= n; e += 4) {
            float d0 = a[e] - b[e];
            float d1 = a[e + 1] - b[e + 1];
            float d2 = a[e + 2] - b[e + 2];
            float d3 = a[e + 3] - b[e + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; e < n; e++) {
            float d = a[e] - b[e];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ a[e]² over the first n elements. */
    public static double sum(float[] a, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int e = 0;
        for (; e + 4 <= n; e += 4) {
            s0 += a[e] * a[e];
            s1 += a[e + 1] * a[e + 1];
            s2 += a[e + 2] * a[e + 2];
            s3 += a[e + 3] * a[e + 3];
        }
        for (; e < n; e++) {
            s0 += a[e] * a[e];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
