package org.saelab.api;

/**
 * Plain-loop twins of the batch kernels in {@link SimdKernels} that give the same floats, bit for
 * bit: every output is computed by the operations of its SIMD lane, in the same order (a fused
 * multiply-add where the lane fuses one, the same partial sums, lane reductions from lane 0 on).
 * Outputs past a row's end that the SIMD version leaves as scratch (the padding of acc rows) are
 * zero here. Until the JIT has compiled the SIMD versions, they run as objects and calls, tens of
 * times slower than these loops; see {@link Kernels}.
 */
final class ExactKernels {
    private ExactKernels() {}

    static void subtractRow(float[] x, int rows, int dim, float[] bias, int biasFrom, float[] out) {
        for (int r = 0; r < rows; r++) {
            int row = r * dim;
            for (int i = 0; i < dim; i++) {
                out[row + i] = x[row + i] - bias[biasFrom + i];
            }
        }
    }

    /** As {@link SimdKernels#addColumnSums} with vectors of {@code lanes}: even and odd rows summed apart. */
    static void addColumnSums(float[] x, int rows, int dim, float[] acc, int accFrom, int lanes) {
        int bound = dim - dim % lanes;
        for (int i = 0; i < bound; i++) {
            float s0 = 0f;
            float s1 = 0f;
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                s0 += x[r * dim + i];
                s1 += x[(r + 1) * dim + i];
            }
            if (r < rows) {
                s0 += x[r * dim + i];
            }
            acc[accFrom + i] = (s0 + s1) + acc[accFrom + i];
        }
        for (int i = bound; i < dim; i++) {
            float s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[r * dim + i];
            }
            acc[accFrom + i] += s;
        }
    }

    /** As {@link SimdKernels#affineRows}: each output starts at its bias and takes one FMA per input, in order. */
    static void affineRows(float[] c, int rows, int dim, float[] w, int paddedWidth, float[] bias, float[] norms,
            int width, float[] raw, float[] scaled) {
        for (int r = 0; r < rows; r++) {
            int out = r * width;
            int in = r * dim;
            System.arraycopy(bias, 0, raw, out, width);
            for (int i = 0; i < dim; i++) {
                float v = c[in + i];
                int wRow = i * paddedWidth;
                for (int j = 0; j < width; j++) {
                    raw[out + j] = Math.fma(w[wRow + j], v, raw[out + j]);
                }
            }
            for (int j = 0; j < width; j++) {
                scaled[out + j] = raw[out + j] * norms[j];
            }
        }
    }

    /** As {@link SimdKernels#decodeSortedRows}: bias, then one FMA per entry of the row, in order. */
    static void decodeSortedRows(int[] rowOf, int[] latents, float[] scales, int count, float[] w, int paddedDim,
            float[] bias, int rows, int dim, float[] out) {
        int e = 0;
        for (int b = 0; b < rows; b++) {
            int last = e;
            while (last < count && rowOf[last] == b) {
                last++;
            }
            int outRow = b * dim;
            System.arraycopy(bias, 0, out, outRow, dim);
            for (int x = e; x < last; x++) {
                int from = latents[x] * paddedDim;
                float scale = scales[x];
                for (int i = 0; i < dim; i++) {
                    out[outRow + i] = Math.fma(w[from + i], scale, out[outRow + i]);
                }
            }
            e = last;
        }
    }

    /** As {@link SimdKernels#scatterByLatent}: each acc row from zero, one FMA per entry, in order. */
    static void scatterByLatent(int[] starts, int latents, int[] rows, float[] scales, float[] src, int dim,
            int srcEnd, float[] lastRows, int firstLastRow, float[] acc, int paddedDim) {
        for (int j = 0; j < latents; j++) {
            int to = j * paddedDim;
            java.util.Arrays.fill(acc, to, to + paddedDim, 0f);
            for (int x = starts[j]; x < starts[j + 1]; x++) {
                int b = rows[x];
                float[] row = src;
                int from = b * dim;
                if (from + paddedDim > srcEnd) {
                    row = lastRows;
                    from = (b - firstLastRow) * paddedDim;
                }
                float scale = scales[x];
                for (int i = 0; i < dim; i++) {
                    acc[to + i] = Math.fma(row[from + i], scale, acc[to + i]);
                }
            }
        }
    }

    /**
     * As {@link SimdKernels#dotAndScatterByLatent} with vectors of {@code lanes}: a dot is summed
     * per block of four vectors, lane l as ((g₀w₀ + g₁w₁) + (g₂w₂ + g₃w₃)) over the block's four
     * vectors, the lanes added from lane 0 on, and the blocks added in order. It reads the same
     * floats past the row's end as the SIMD version (they meet the zero padding of w).
     */
    static void dotAndScatterByLatent(int[] starts, int latents, int[] rows, float[] scales, float[] src, int dim,
            int srcEnd, float[] lastRows, int firstLastRow, float[] w, float[] acc, int paddedDim, float[] dots,
            int lanes) {
        int block = 4 * lanes;
        for (int j = 0; j < latents; j++) {
            int to = j * paddedDim;
            java.util.Arrays.fill(acc, to, to + paddedDim, 0f);
            for (int x = starts[j]; x < starts[j + 1]; x++) {
                int b = rows[x];
                float[] row = src;
                int from = b * dim;
                if (from + paddedDim > srcEnd) {
                    row = lastRows;
                    from = (b - firstLastRow) * paddedDim;
                }
                float dot = 0f;
                for (int v = 0; v < paddedDim; v += block) {
                    float sum = 0f;
                    for (int l = 0; l < lanes; l++) {
                        int g = from + v + l;
                        int u = to + v + l;
                        float p0 = row[g] * w[u];
                        float p1 = row[g + lanes] * w[u + lanes];
                        float p2 = row[g + 2 * lanes] * w[u + 2 * lanes];
                        float p3 = row[g + 3 * lanes] * w[u + 3 * lanes];
                        sum += (p0 + p1) + (p2 + p3);
                    }
                    dot = v == 0 ? sum : dot + sum;
                }
                dots[x] = dot;
                float scale = scales[x];
                for (int i = 0; i < dim; i++) {
                    acc[to + i] = Math.fma(row[from + i], scale, acc[to + i]);
                }
            }
        }
    }

    /**
     * As {@link SimdKernels#scaledDifference} with vectors of {@code lanes}: the squares of the
     * first and second half of each vector's lanes are summed apart, lane by lane in double; the
     * halves are added lane by lane, the lanes from lane 0 on, and then the tail in order.
     */
    static double scaledDifference(float[] a, float[] b, int n, float scale, float[] grad, int lanes) {
        int half = lanes / 2;
        double[] sums = new double[lanes];
        int bound = n - n % lanes;
        for (int i = 0; i < bound; i += lanes) {
            for (int l = 0; l < lanes; l++) {
                float d = a[i + l] - b[i + l];
                grad[i + l] = d * scale;
                sums[l] += d * d;
            }
        }
        double total = 0;
        for (int l = 0; l < half; l++) {
            total += sums[l] + sums[half + l];
        }
        for (int i = bound; i < n; i++) {
            float d = a[i] - b[i];
            grad[i] = scale * d;
            total += d * d;
        }
        return total;
    }
}
