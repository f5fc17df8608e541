package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sparse row kernels (decode, decoder and encoder backward) against double-precision
 * references: rows that are read or written as whole vectors past their end, the last rows read
 * from padded copies, empty rows, rows with many entries, and output beyond the rows untouched.
 */
class SparseRowKernelsTest {
    /** These tests are of the SIMD kernels; their plain twins are held to them by ExactKernelsTest. */
    @BeforeAll
    static void simdKernels() {
        Kernels.setMode(Kernels.Mode.SIMD);
    }

    @AfterAll
    static void restoreTheDefault() {
        Kernels.setMode(Kernels.Mode.AUTO);
    }

    private static final int[] DIMS = {1, 3, 16, 50, 64, 65, 130};
    private static final int[] ROWS = {1, 2, 5, 33};
    private static final int WIDTH = 7;

    private final SplittableRandom random = new SplittableRandom(23);

    /** A code sorted by row: each row gets 0 to WIDTH distinct latents. */
    private record Code(int[] rows, int[] latents, float[] scales, int count) {}

    private Code code(int rows) {
        int[] r = new int[rows * WIDTH];
        int[] l = new int[rows * WIDTH];
        float[] s = new float[rows * WIDTH];
        int count = 0;
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < WIDTH; j++) {
                if (random.nextInt(3) == 0) {
                    r[count] = b;
                    l[count] = j;
                    s[count] = (float) random.nextGaussian();
                    count++;
                }
            }
        }
        return new Code(r, l, s, count);
    }

    private float[] gaussian(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    private static int padded(int dim) {
        int block = Kernels.rowBlock();
        return (dim + block - 1) / block * block;
    }

    /** w [WIDTH × dim] copied into rows of paddedDim with zero padding. */
    private static float[] pad(float[] w, int rows, int dim, int paddedDim) {
        float[] out = new float[rows * paddedDim];
        for (int j = 0; j < rows; j++) {
            System.arraycopy(w, j * dim, out, j * paddedDim, dim);
        }
        return out;
    }

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void decodeSortedRowsWritesBiasPlusTheScaledRowsAndNothingBeyond() {
        for (int dim : DIMS) {
            for (int rows : ROWS) {
                int paddedDim = padded(dim);
                Code code = code(rows);
                float[] w = gaussian(WIDTH * dim);
                float[] bias = gaussian(dim);
                float[] out = new float[rows * dim + 40];
                Arrays.fill(out, 7f);
                Kernels.decodeSortedRows(code.rows(), code.latents(), code.scales(), code.count(),
                        pad(w, WIDTH, dim, paddedDim), paddedDim, pad(bias, 1, dim, paddedDim), rows, dim, out,
                        new float[Kernels.rowBlock()]);
                double[] expected = new double[rows * dim];
                for (int b = 0; b < rows; b++) {
                    for (int i = 0; i < dim; i++) {
                        expected[b * dim + i] = bias[i];
                    }
                }
                for (int e = 0; e < code.count(); e++) {
                    for (int i = 0; i < dim; i++) {
                        expected[code.rows()[e] * dim + i] += (double) code.scales()[e] * w[code.latents()[e] * dim + i];
                    }
                }
                for (int k = 0; k < rows * dim; k++) {
                    close(expected[k], out[k], "dim " + dim + " rows " + rows + " at " + k);
                }
                for (int k = rows * dim; k < out.length; k++) {
                    assertEquals(7f, out[k], "dim " + dim + " rows " + rows + ": written past the rows at " + k);
                }
            }
        }
    }

    /** The code's entries grouped by latent, row order kept: starts [WIDTH + 1], rows, scales. */
    private record Grouped(int[] starts, int[] rows, float[] scales) {}

    private static Grouped group(Code code) {
        int[] starts = new int[WIDTH + 1];
        int[] rows = new int[code.count()];
        float[] scales = new float[code.count()];
        int at = 0;
        for (int j = 0; j < WIDTH; j++) {
            starts[j] = at;
            for (int e = 0; e < code.count(); e++) {
                if (code.latents()[e] == j) {
                    rows[at] = code.rows()[e];
                    scales[at] = code.scales()[e];
                    at++;
                }
            }
        }
        starts[WIDTH] = at;
        return new Grouped(starts, rows, scales);
    }

    @Test
    void dotAndScatterByLatentMatchTheReferenceIncludingTheLastRows() {
        for (int dim : DIMS) {
            for (int rows : ROWS) {
                int paddedDim = padded(dim);
                Grouped code = group(code(rows));
                int count = code.starts()[WIDTH];
                float[] src = gaussian(rows * dim);
                float[] w = gaussian(WIDTH * dim);
                float[] acc = gaussian(WIDTH * paddedDim);
                float[] dots = new float[count];
                int first = Kernels.firstLastRow(rows, dim, paddedDim);
                float[] lastRows = gaussian((rows - first) * paddedDim);
                Kernels.copyLastRows(src, rows, dim, first, lastRows, paddedDim);
                Kernels.dotAndScatterByLatent(code.starts(), WIDTH, code.rows(), code.scales(), src, dim, rows * dim,
                        lastRows, first, pad(w, WIDTH, dim, paddedDim), acc, paddedDim, dots);
                for (int j = 0; j < WIDTH; j++) {
                    double[] expected = new double[dim];
                    for (int x = code.starts()[j]; x < code.starts()[j + 1]; x++) {
                        int b = code.rows()[x];
                        double dot = 0;
                        for (int i = 0; i < dim; i++) {
                            dot += (double) src[b * dim + i] * w[j * dim + i];
                            expected[i] += (double) code.scales()[x] * src[b * dim + i];
                        }
                        close(dot, dots[x], "dim " + dim + " rows " + rows + " dot of entry " + x);
                    }
                    for (int i = 0; i < dim; i++) {
                        close(expected[i], acc[j * paddedDim + i], "dim " + dim + " rows " + rows + " acc[" + j + "]["
                                + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void scatterByLatentOverwritesEachRowWithItsSum() {
        for (int dim : DIMS) {
            for (int rows : ROWS) {
                int paddedDim = padded(dim);
                Grouped code = group(code(rows));
                float[] src = gaussian(rows * dim);
                float[] acc = gaussian(WIDTH * paddedDim);
                int first = Kernels.firstLastRow(rows, dim, paddedDim);
                float[] lastRows = new float[(rows - first) * paddedDim];
                Kernels.copyLastRows(src, rows, dim, first, lastRows, paddedDim);
                Kernels.scatterByLatent(code.starts(), WIDTH, code.rows(), code.scales(), src, dim, rows * dim,
                        lastRows, first, acc, paddedDim);
                for (int j = 0; j < WIDTH; j++) {
                    for (int i = 0; i < dim; i++) {
                        double expected = 0;
                        for (int x = code.starts()[j]; x < code.starts()[j + 1]; x++) {
                            expected += (double) code.scales()[x] * src[code.rows()[x] * dim + i];
                        }
                        close(expected, acc[j * paddedDim + i], "dim " + dim + " rows " + rows + " acc[" + j + "]["
                                + i + "]");
                    }
                }
            }
        }
    }

    @Test
    void firstLastRowIsTheFirstRowWhoseVectorsRunPastTheEnd() {
        for (int dim : DIMS) {
            for (int rows : ROWS) {
                int paddedDim = padded(dim);
                int first = Kernels.firstLastRow(rows, dim, paddedDim);
                for (int b = 0; b < rows; b++) {
                    boolean runsPast = b * dim + paddedDim > rows * dim;
                    assertEquals(runsPast, b >= first, "dim " + dim + " rows " + rows + " row " + b);
                }
            }
        }
    }

    @Test
    void scaledDifferenceGivesTheGradientExactlyAndTheSumOfFloatSquares() {
        for (int n : new int[] {0, 1, 15, 16, 17, 1000, 51200}) {
            float[] a = gaussian(n);
            float[] b = gaussian(n);
            float[] grad = new float[n];
            double sum = Kernels.scaledDifference(a, b, n, 0.37f, grad);
            double expected = 0;
            for (int e = 0; e < n; e++) {
                float d = a[e] - b[e];
                assertEquals(0.37f * d, grad[e], 0f, "grad at " + e);
                expected += d * d;
            }
            assertEquals(expected, sum, 1e-12 * Math.max(1, expected), "n " + n);
        }
    }
}
