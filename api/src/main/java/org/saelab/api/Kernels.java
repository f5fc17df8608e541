package org.saelab.api;

/**
 * The dense inner loops of the SAE's forward and backward passes. With the incubating
 * {@code jdk.incubator.vector} module on the JVM (the launcher and the build add
 * {@code --add-modules jdk.incubator.vector}) they run on explicit SIMD vectors; without it,
 * or with {@code -Dsaelab.vector=false}, on plain loops with the same results up to float
 * rounding. The SIMD versions are several times faster at the post's shape (d_in 50, d_sae 20),
 * where the rows are too short for the JIT's own vectoriser.
 */
public final class Kernels {
    private Kernels() {}

    /** Whether the SIMD versions are in use. */
    public static final boolean VECTORISED = !"false".equals(System.getProperty("saelab.vector"))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Lanes of one SIMD vector (1 when not vectorised): padded widths are multiples of it. */
    public static int lanes() {
        return VECTORISED ? SimdKernels.lanes() : 1;
    }

    /**
     * What the rows of {@link #decodeSortedRows}, {@link #dotAndScatterRows} and
     * {@link #scatterRows} are padded to a multiple of (four SIMD vectors; 1 when not vectorised).
     */
    public static int rowBlock() {
        return VECTORISED ? SimdKernels.rowBlock() : 1;
    }

    /** y[yFrom, yFrom + n) += a · x[xFrom, xFrom + n). */
    public static void axpy(float a, float[] x, int xFrom, float[] y, int yFrom, int n) {
        if (VECTORISED) {
            SimdKernels.axpy(a, x, xFrom, y, yFrom, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            y[yFrom + i] += a * x[xFrom + i];
        }
    }

    /**
     * Returns Σ_i g[gFrom + i] · w[wFrom + i] and adds {@code scale · g} into
     * {@code acc[accFrom, accFrom + n)}: one pass over g for the two halves of a decoder row's
     * backward step.
     */
    public static float dotAndAxpy(float[] g, int gFrom, float[] w, int wFrom, float scale, float[] acc, int accFrom,
            int n) {
        if (VECTORISED) {
            return SimdKernels.dotAndAxpy(g, gFrom, w, wFrom, scale, acc, accFrom, n);
        }
        float dot = 0;
        for (int i = 0; i < n; i++) {
            float v = g[gFrom + i];
            dot += v * w[wFrom + i];
            acc[accFrom + i] += scale * v;
        }
        return dot;
    }

    /** out[r · dim + i] = x[r · dim + i] − bias[biasFrom + i] for every row r. */
    public static void subtractRow(float[] x, int rows, int dim, float[] bias, int biasFrom, float[] out) {
        if (VECTORISED) {
            SimdKernels.subtractRow(x, rows, dim, bias, biasFrom, out);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int row = r * dim;
            for (int i = 0; i < dim; i++) {
                out[row + i] = x[row + i] - bias[biasFrom + i];
            }
        }
    }

    /** acc[accFrom + i] += Σ_r x[r · dim + i] over rows (column sums). */
    public static void addColumnSums(float[] x, int rows, int dim, float[] acc, int accFrom) {
        if (VECTORISED) {
            SimdKernels.addColumnSums(x, rows, dim, acc, accFrom);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int row = r * dim;
            for (int i = 0; i < dim; i++) {
                acc[accFrom + i] += x[row + i];
            }
        }
    }

    /**
     * The encoder's dense product: {@code raw[r, j] = bias[j] + Σ_i c[r, i] · w[i, j]} and
     * {@code scaled[r, j] = raw[r, j] · norms[j]}, for c [rows × dim], w [dim × paddedWidth]
     * (row-major, columns from width on zero), bias and norms of paddedWidth, and the outputs
     * [rows × width]. {@code paddedWidth} is a multiple of {@link #lanes()}; {@code spare} holds
     * at least 2 · {@link #lanes()} floats of scratch.
     */
    public static void affineRows(float[] c, int rows, int dim, float[] w, int paddedWidth, float[] bias,
            float[] norms, int width, float[] raw, float[] scaled, float[] spare) {
        if (VECTORISED) {
            SimdKernels.affineRows(c, rows, dim, w, paddedWidth, bias, norms, width, raw, scaled, spare);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int out = r * width;
            System.arraycopy(bias, 0, raw, out, width);
            int in = r * dim;
            for (int i = 0; i < dim; i++) {
                float v = c[in + i];
                int wRow = i * paddedWidth;
                for (int j = 0; j < width; j++) {
                    raw[out + j] += v * w[wRow + j];
                }
            }
            for (int j = 0; j < width; j++) {
                scaled[out + j] = raw[out + j] * norms[j];
            }
        }
    }
    /**
     * Decodes a code whose entries are sorted by row: out row b (of dim floats, b in [0, rows))
     * = bias + Σ scales[e] · w row latents[e] over the entries of row b. Rows of w and bias are
     * padded to {@code paddedDim} (a multiple of {@link #rowBlock()}) with zeros; {@code spare}
     * holds at least {@link #rowBlock()} floats.
     */
    public static void decodeSortedRows(int[] rowOf, int[] latents, float[] scales, int count, float[] w,
            int paddedDim, float[] bias, int rows, int dim, float[] out, float[] spare) {
        if (VECTORISED) {
            SimdKernels.decodeSortedRows(rowOf, latents, scales, count, w, paddedDim, bias, rows, dim, out, spare);
            return;
        }
        for (int b = 0; b < rows; b++) {
            System.arraycopy(bias, 0, out, b * dim, dim);
        }
        for (int e = 0; e < count; e++) {
            int from = latents[e] * paddedDim;
            int to = rowOf[e] * dim;
            float scale = scales[e];
            for (int i = 0; i < dim; i++) {
                out[to + i] += scale * w[from + i];
            }
        }
    }

    /**
     * acc row j = Σ scales[x] · src row rows[x] over x in [starts[j], starts[j + 1]) for every j
     * below {@code latents}: the sparse products of the backward passes, with the entries grouped
     * by latent so that each acc row is summed in registers. Rows of acc are {@code paddedDim}
     * long (a multiple of {@link #rowBlock()}) and overwritten; their padding receives values to
     * be ignored. A src row (dim floats at b · dim) is read as whole vectors, past its end into
     * the next row, whose lanes meet zero padding or land in acc's padding; the rows from
     * {@code firstLastRow} on, whose vectors would run past {@code srcEnd}, are read from
     * {@code lastRows} (zero-padded copies, paddedDim floats each; see {@link #copyLastRows}).
     */
    public static void scatterByLatent(int[] starts, int latents, int[] rows, float[] scales, float[] src, int dim,
            int srcEnd, float[] lastRows, int firstLastRow, float[] acc, int paddedDim) {
        if (VECTORISED) {
            SimdKernels.scatterByLatent(starts, latents, rows, scales, src, dim, srcEnd, lastRows, firstLastRow, acc,
                    paddedDim);
            return;
        }
        for (int j = 0; j < latents; j++) {
            int to = j * paddedDim;
            java.util.Arrays.fill(acc, to, to + paddedDim, 0f);
            for (int x = starts[j]; x < starts[j + 1]; x++) {
                int from = rows[x] * dim;
                for (int i = 0; i < dim; i++) {
                    acc[to + i] += scales[x] * src[from + i];
                }
            }
        }
    }

    /**
     * {@link #scatterByLatent}, and dots[x] = ⟨src row rows[x], w row j⟩ for every entry x of
     * latent j (rows of w zero-padded to paddedDim).
     */
    public static void dotAndScatterByLatent(int[] starts, int latents, int[] rows, float[] scales, float[] src,
            int dim, int srcEnd, float[] lastRows, int firstLastRow, float[] w, float[] acc, int paddedDim,
            float[] dots) {
        if (VECTORISED) {
            SimdKernels.dotAndScatterByLatent(starts, latents, rows, scales, src, dim, srcEnd, lastRows, firstLastRow,
                    w, acc, paddedDim, dots);
            return;
        }
        for (int j = 0; j < latents; j++) {
            int to = j * paddedDim;
            java.util.Arrays.fill(acc, to, to + paddedDim, 0f);
            for (int x = starts[j]; x < starts[j + 1]; x++) {
                int from = rows[x] * dim;
                float dot = 0;
                for (int i = 0; i < dim; i++) {
                    float v = src[from + i];
                    dot += v * w[to + i];
                    acc[to + i] += scales[x] * v;
                }
                dots[x] = dot;
            }
        }
    }

    /**
     * The first row whose {@code paddedDim} floats from b · dim would run past {@code rows · dim}:
     * rows from it on are read from a padded copy by {@link #scatterByLatent} and
     * {@link #dotAndScatterByLatent}.
     */
    public static int firstLastRow(int rows, int dim, int paddedDim) {
        int first = Math.floorDiv(rows * dim - paddedDim, dim) + 1;
        return Math.max(0, Math.min(rows, first));
    }

    /** Copies rows [first, rows) of src (dim floats each) into out, paddedDim floats each, zero padded. */
    public static void copyLastRows(float[] src, int rows, int dim, int first, float[] out, int paddedDim) {
        java.util.Arrays.fill(out, 0, (rows - first) * paddedDim, 0f);
        for (int b = first; b < rows; b++) {
            System.arraycopy(src, b * dim, out, (b - first) * paddedDim, dim);
        }
    }

    /**
     * grad[e] = scale · (a[e] − b[e]) for e in [0, n); returns Σ (a[e] − b[e])², each square in
     * float, the sum in double.
     */
    public static double scaledDifference(float[] a, float[] b, int n, float scale, float[] grad) {
        if (VECTORISED) {
            return SimdKernels.scaledDifference(a, b, n, scale, grad);
        }
        double total = 0;
        for (int e = 0; e < n; e++) {
            float d = a[e] - b[e];
            grad[e] = scale * d;
            total += d * d;
        }
        return total;
    }
}
