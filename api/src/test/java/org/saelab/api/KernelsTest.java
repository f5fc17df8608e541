package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every kernel against a plain double-precision reference, over shapes with and without tails. */
class KernelsTest {
    /** These tests are of the SIMD kernels; their plain twins are held to them by ExactKernelsTest. */
    @BeforeAll
    static void simdKernels() {
        Kernels.setMode(Kernels.Mode.SIMD);
    }

    @AfterAll
    static void restoreTheDefault() {
        Kernels.setMode(Kernels.Mode.AUTO);
    }

    private static final SplittableRandom RANDOM = new SplittableRandom(11);

    private static float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) RANDOM.nextGaussian();
        }
        return a;
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), what);
    }

    @Test
    void affineRowsMatchesTheReferenceForEveryRowCountAndWidth() {
        int lanes = Kernels.lanes();
        for (int rows : new int[] {1, 7, 8, 9, 17, 64}) {
            for (int dim : new int[] {1, 3, 50}) {
                for (int width : new int[] {1, 5, 8, 20, 33}) {
                    int padded = (width + lanes - 1) / lanes * lanes;
                    float[] c = random(rows * dim);
                    float[] w = new float[dim * padded];
                    float[] bias = new float[padded];
                    float[] norms = new float[padded];
                    float[] weights = random(dim * width);
                    for (int i = 0; i < dim; i++) {
                        System.arraycopy(weights, i * width, w, i * padded, width);
                    }
                    System.arraycopy(random(width), 0, bias, 0, width);
                    System.arraycopy(random(width), 0, norms, 0, width);
                    float[] raw = new float[rows * width];
                    float[] scaled = new float[rows * width];
                    Kernels.affineRows(c, rows, dim, w, padded, bias, norms, width, raw, scaled, new float[2 * lanes]);
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < width; j++) {
                            double expected = bias[j];
                            for (int i = 0; i < dim; i++) {
                                expected += (double) c[r * dim + i] * weights[i * width + j];
                            }
                            String at = rows + "x" + dim + "x" + width + " [" + r + "," + j + "]";
                            assertClose(expected, raw[r * width + j], "raw " + at);
                            assertClose(expected * norms[j], scaled[r * width + j], "scaled " + at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void vectorKernelsMatchTheReferenceWithAndWithoutTails() {
        for (int n : new int[] {1, 7, 8, 16, 50, 67}) {
            float[] x = random(n + 3);
            float[] y = random(n + 5);
            float[] yBefore = y.clone();
            Kernels.axpy(0.5f, x, 3, y, 5, n);
            for (int i = 0; i < n; i++) {
                assertClose(yBefore[5 + i] + 0.5 * x[3 + i], y[5 + i], "axpy " + n);
            }

            float[] g = random(n);
            float[] w = random(n + 2);
            float[] acc = random(n);
            float[] accBefore = acc.clone();
            float dot = Kernels.dotAndAxpy(g, 0, w, 2, -1.5f, acc, 0, n);
            double expectedDot = 0;
            for (int i = 0; i < n; i++) {
                expectedDot += (double) g[i] * w[2 + i];
                assertClose(accBefore[i] - 1.5 * g[i], acc[i], "axpy half " + n);
            }
            assertClose(expectedDot, dot, "dot " + n);

        }
    }

    @Test
    void rowKernelsMatchTheReference() {
        for (int dim : new int[] {1, 9, 50}) {
            int rows = 13;
            float[] x = random(rows * dim);
            float[] bias = random(dim + 4);
            float[] out = new float[rows * dim];
            Kernels.subtractRow(x, rows, dim, bias, 4, out);
            float[] sums = random(dim + 1);
            float[] sumsBefore = sums.clone();
            Kernels.addColumnSums(x, rows, dim, sums, 1);
            for (int i = 0; i < dim; i++) {
                double column = 0;
                for (int r = 0; r < rows; r++) {
                    assertEquals(x[r * dim + i] - bias[4 + i], out[r * dim + i], 0f);
                    column += x[r * dim + i];
                }
                assertClose(sumsBefore[1 + i] + column, sums[1 + i], "column " + i);
            }
            assertEquals(sumsBefore[0], sums[0], 0f);
        }
    }
}
