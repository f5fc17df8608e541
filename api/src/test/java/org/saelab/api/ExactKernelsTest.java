package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plain twins in {@link ExactKernels} give the SIMD kernels' floats bit for bit, on shapes
 * with and without tails, rows read past their end and from padded copies, ties of zero and
 * negative zero; {@link Kernels} gives the same outputs whichever version runs, including while
 * it runs both (the SIMD version on a slice beside the twin); and a switch goes to SIMD after
 * three faster calls in a row, and only then. Where the native kernels are available, they give
 * the same bits on every shape too ({@link NativeKernelsTest} fails where they should be and are not).
 */
class ExactKernelsTest {
    private static final int[] DIMS = {1, 3, 8, 16, 50, 64, 65, 130};
    private static final int ROUNDS = 40;

    private final SplittableRandom random = new SplittableRandom(31);

    @AfterEach
    void restoreTheDefault() {
        Kernels.setMode(Kernels.Mode.AUTO);
    }

    private float[] gaussian(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(20);
            a[i] = kind == 0 ? 0f : kind == 1 ? -0f : (float) random.nextGaussian();
        }
        return a;
    }

    private static void assertBits(float[] expected, float[] actual, int from, int to, String what) {
        for (int i = from; i < to; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": differs at " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    private static int padded(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    /** A code sorted by row over {@code width} latents, about a third of them per row; and grouped by latent. */
    private record Code(int[] rowOf, int[] latents, float[] scales, int count, int[] starts, int[] rows, float[] byLatent) {}

    private Code code(int rowCount, int width) {
        int[] rowOf = new int[rowCount * width];
        int[] latents = new int[rowCount * width];
        float[] scales = new float[rowCount * width];
        int count = 0;
        for (int b = 0; b < rowCount; b++) {
            for (int j = 0; j < width; j++) {
                if (random.nextInt(3) == 0) {
                    rowOf[count] = b;
                    latents[count] = j;
                    scales[count] = (float) random.nextGaussian();
                    count++;
                }
            }
        }
        int[] starts = new int[width + 1];
        int[] rows = new int[count];
        float[] byLatent = new float[count];
        int at = 0;
        for (int j = 0; j < width; j++) {
            starts[j] = at;
            for (int e = 0; e < count; e++) {
                if (latents[e] == j) {
                    rows[at] = rowOf[e];
                    byLatent[at++] = scales[e];
                }
            }
        }
        starts[width] = at;
        return new Code(rowOf, latents, scales, count, starts, rows, byLatent);
    }

    @Test
    void affineRowsTwinGivesTheSameBits() {
        int lanes = SimdKernels.lanes();
        for (int round = 0; round < ROUNDS; round++) {
            for (int rows : new int[] {1, 7, 9, 64}) {
                for (int dim : new int[] {1, 3, 50}) {
                    for (int width : new int[] {1, 5, 8, 13, 20, 33}) {
                        int paddedWidth = padded(width, lanes);
                        float[] c = gaussian(rows * dim);
                        float[] w = new float[dim * paddedWidth];
                        for (int i = 0; i < dim; i++) {
                            System.arraycopy(gaussian(width), 0, w, i * paddedWidth, width);
                        }
                        float[] bias = Arrays.copyOf(gaussian(width), paddedWidth);
                        float[] norms = Arrays.copyOf(gaussian(width), paddedWidth);
                        float[] raw = new float[rows * width];
                        float[] scaled = new float[rows * width];
                        float[] raw2 = new float[rows * width];
                        float[] scaled2 = new float[rows * width];
                        SimdKernels.affineRows(c, rows, dim, w, paddedWidth, bias, norms, width, raw, scaled,
                                new float[2 * lanes]);
                        ExactKernels.affineRows(c, rows, dim, w, paddedWidth, bias, norms, width, raw2, scaled2);
                        String what = "rows " + rows + " dim " + dim + " width " + width;
                        assertBits(raw, raw2, 0, raw.length, what + " raw");
                        assertBits(scaled, scaled2, 0, scaled.length, what + " scaled");
                        if (Kernels.nativeAvailable()) {
                            Arrays.fill(raw2, Float.NaN);
                            Arrays.fill(scaled2, Float.NaN);
                            NativeKernels.affineRows(c, rows, dim, w, paddedWidth, bias, norms, width, raw2, scaled2);
                            assertBits(raw, raw2, 0, raw.length, what + " native raw");
                            assertBits(scaled, scaled2, 0, scaled.length, what + " native scaled");
                            // x centered in the same pass: c = x - center, then the product of c
                            float[] x = gaussian(rows * dim);
                            float[] center = gaussian(dim + 2);
                            float[] centered = new float[rows * dim];
                            SimdKernels.subtractRow(x, rows, dim, center, 2, centered);
                            SimdKernels.affineRows(centered, rows, dim, w, paddedWidth, bias, norms, width, raw, scaled,
                                    new float[2 * lanes]);
                            float[] centered2 = new float[rows * dim];
                            Arrays.fill(raw2, Float.NaN);
                            Arrays.fill(scaled2, Float.NaN);
                            NativeKernels.centerAffineRows(x, center, 2, centered2, rows, dim, w, paddedWidth, bias,
                                    norms, width, raw2, scaled2);
                            assertBits(centered, centered2, 0, centered.length, what + " natively centered");
                            assertBits(raw, raw2, 0, raw.length, what + " native raw of centered x");
                            assertBits(scaled, scaled2, 0, scaled.length, what + " native scaled of centered x");
                        }
                    }
                }
            }
        }
    }

    @Test
    void decodeTwinGivesTheSameBits() {
        int block = SimdKernels.rowBlock();
        for (int round = 0; round < ROUNDS; round++) {
            for (int dim : DIMS) {
                for (int rows : new int[] {1, 5, 33}) {
                    int width = 7;
                    int paddedDim = padded(dim, block);
                    Code code = code(rows, width);
                    float[] w = new float[width * paddedDim];
                    for (int j = 0; j < width; j++) {
                        System.arraycopy(gaussian(dim), 0, w, j * paddedDim, dim);
                    }
                    float[] bias = Arrays.copyOf(gaussian(dim), paddedDim);
                    float[] out = new float[rows * dim];
                    float[] out2 = new float[rows * dim];
                    SimdKernels.decodeSortedRows(code.rowOf(), code.latents(), code.scales(), code.count(), w, paddedDim,
                            bias, rows, dim, out, new float[block]);
                    ExactKernels.decodeSortedRows(code.rowOf(), code.latents(), code.scales(), code.count(), w,
                            paddedDim, bias, rows, dim, out2);
                    assertBits(out, out2, 0, out.length, "dim " + dim + " rows " + rows);
                    if (Kernels.nativeAvailable()) {
                        Arrays.fill(out2, Float.NaN);
                        NativeKernels.decodeSortedRows(code.rowOf(), code.latents(), code.scales(), code.count(), w,
                                paddedDim, bias, rows, dim, out2);
                        assertBits(out, out2, 0, out.length, "native, dim " + dim + " rows " + rows);
                    }
                }
            }
        }
    }

    @Test
    void backwardTwinsGiveTheSameBits() {
        int block = SimdKernels.rowBlock();
        int lanes = SimdKernels.lanes();
        for (int round = 0; round < ROUNDS; round++) {
            for (int dim : DIMS) {
                for (int rows : new int[] {1, 2, 5, 33}) {
                    int width = 7;
                    int paddedDim = padded(dim, block);
                    Code code = code(rows, width);
                    float[] src = gaussian(rows * dim);
                    int first = Kernels.firstLastRow(rows, dim, paddedDim);
                    float[] lastRows = new float[(rows - first) * paddedDim];
                    Kernels.copyLastRows(src, rows, dim, first, lastRows, paddedDim);
                    float[] w = new float[width * paddedDim];
                    for (int j = 0; j < width; j++) {
                        System.arraycopy(gaussian(dim), 0, w, j * paddedDim, dim);
                    }
                    float[] acc = new float[width * paddedDim];
                    float[] acc2 = new float[width * paddedDim];
                    float[] dots = new float[code.count()];
                    float[] dots2 = new float[code.count()];
                    String what = "dim " + dim + " rows " + rows;
                    SimdKernels.dotAndScatterByLatent(code.starts(), width, code.rows(), code.byLatent(), src, dim,
                            rows * dim, lastRows, first, w, acc, paddedDim, dots);
                    ExactKernels.dotAndScatterByLatent(code.starts(), width, code.rows(), code.byLatent(), src, dim,
                            rows * dim, lastRows, first, w, acc2, paddedDim, dots2, lanes);
                    assertBits(dots, dots2, 0, dots.length, what + " dots");
                    for (int j = 0; j < width; j++) {
                        assertBits(acc, acc2, j * paddedDim, j * paddedDim + dim, what + " acc row " + j);
                    }
                    if (Kernels.nativeAvailable()) {
                        Arrays.fill(acc2, Float.NaN);
                        Arrays.fill(dots2, Float.NaN);
                        NativeKernels.dotAndScatterByLatent(code.starts(), width, code.rows(), code.byLatent(), src,
                                dim, rows * dim, w, acc2, paddedDim, dots2);
                        assertBits(dots, dots2, 0, dots.length, what + " native dots");
                        for (int j = 0; j < width; j++) {
                            assertBits(acc, acc2, j * paddedDim, j * paddedDim + dim, what + " native acc row " + j);
                        }
                    }
                    SimdKernels.scatterByLatent(code.starts(), width, code.rows(), code.byLatent(), src, dim, rows * dim,
                            lastRows, first, acc, paddedDim);
                    ExactKernels.scatterByLatent(code.starts(), width, code.rows(), code.byLatent(), src, dim,
                            rows * dim, lastRows, first, acc2, paddedDim);
                    for (int j = 0; j < width; j++) {
                        assertBits(acc, acc2, j * paddedDim, j * paddedDim + dim, what + " scatter row " + j);
                    }
                    if (Kernels.nativeAvailable()) {
                        Arrays.fill(acc2, Float.NaN);
                        NativeKernels.scatterByLatent(code.starts(), width, code.rows(), code.byLatent(), src, dim,
                                rows * dim, acc2, paddedDim);
                        for (int j = 0; j < width; j++) {
                            assertBits(acc, acc2, j * paddedDim, j * paddedDim + dim, what + " native scatter row " + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void rowAndDifferenceTwinsGiveTheSameBits() {
        int lanes = SimdKernels.lanes();
        for (int round = 0; round < ROUNDS; round++) {
            for (int dim : DIMS) {
                for (int rows : new int[] {1, 2, 3, 17}) {
                    String what = "dim " + dim + " rows " + rows;
                    float[] x = gaussian(rows * dim);
                    float[] bias = gaussian(dim + 3);
                    float[] out = new float[rows * dim];
                    float[] out2 = new float[rows * dim];
                    SimdKernels.subtractRow(x, rows, dim, bias, 3, out);
                    ExactKernels.subtractRow(x, rows, dim, bias, 3, out2);
                    assertBits(out, out2, 0, out.length, what + " subtractRow");
                    if (Kernels.nativeAvailable()) {
                        float[] out3 = new float[rows * dim];
                        NativeKernels.subtractRow(x, rows, dim, bias, 3, out3);
                        assertBits(out, out3, 0, out.length, what + " native subtractRow");
                    }

                    float[] acc = gaussian(dim + 2);
                    float[] acc2 = acc.clone();
                    SimdKernels.addColumnSums(x, rows, dim, acc, 2);
                    ExactKernels.addColumnSums(x, rows, dim, acc2, 2, lanes);
                    assertBits(acc, acc2, 0, acc.length, what + " addColumnSums");
                    if (Kernels.nativeAvailable()) {
                        float[] acc3 = acc2.clone();
                        ExactKernels.addColumnSums(x, rows, dim, acc2, 2, lanes);
                        NativeKernels.addColumnSums(x, rows, dim, acc3, 2);
                        assertBits(acc2, acc3, 0, acc.length, what + " native addColumnSums");
                    }

                    int n = rows * dim;
                    float[] b = gaussian(n);
                    float[] grad = new float[n];
                    float[] grad2 = new float[n];
                    double total = SimdKernels.scaledDifference(x, b, n, 0.37f, grad);
                    double total2 = ExactKernels.scaledDifference(x, b, n, 0.37f, grad2, lanes);
                    assertBits(grad, grad2, 0, n, what + " scaledDifference gradient");
                    assertEquals(Double.doubleToRawLongBits(total), Double.doubleToRawLongBits(total2),
                            what + " scaledDifference sum " + total + " vs " + total2);
                    if (Kernels.nativeAvailable()) {
                        float[] grad3 = new float[n];
                        double total3 = NativeKernels.scaledDifference(x, b, n, 0.37f, grad3);
                        assertBits(grad, grad3, 0, n, what + " native scaledDifference gradient");
                        assertEquals(Double.doubleToRawLongBits(total), Double.doubleToRawLongBits(total3),
                                what + " native scaledDifference sum " + total + " vs " + total3);
                    }
                }
            }
        }
    }

    /** Every batch kernel through {@link Kernels} in one mode, on shapes larger than the slice. */
    private record Outputs(float[] raw, float[] scaled, float[] decoded, float[] acc, float[] dots, float[] scatter,
            float[] centered, float[] sums, float[] grad, double total) {}

    private static Outputs throughKernels(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ExactKernelsTest source = new ExactKernelsTest();
        int lanes = Kernels.lanes();
        int block = Kernels.rowBlock();
        int rows = 100;
        int dim = 50;
        int width = 20;
        float[] x = gaussian(r, rows * dim);
        float[] bias = gaussian(r, dim);
        float[] centered = new float[rows * dim];
        Kernels.subtractRow(x, rows, dim, bias, 0, centered);
        float[] sums = gaussian(r, dim);
        Kernels.addColumnSums(x, rows, dim, sums, 0);

        int paddedWidth = padded(width, lanes);
        float[] w = new float[dim * paddedWidth];
        for (int i = 0; i < dim; i++) {
            System.arraycopy(gaussian(r, width), 0, w, i * paddedWidth, width);
        }
        float[] raw = new float[rows * width];
        float[] scaled = new float[rows * width];
        Kernels.affineRows(centered, rows, dim, w, paddedWidth, Arrays.copyOf(gaussian(r, width), paddedWidth),
                Arrays.copyOf(gaussian(r, width), paddedWidth), width, raw, scaled, new float[2 * lanes]);

        int paddedDim = padded(dim, block);
        Code code = source.code(rows, width);
        float[] wDec = new float[width * paddedDim];
        for (int j = 0; j < width; j++) {
            System.arraycopy(gaussian(r, dim), 0, wDec, j * paddedDim, dim);
        }
        float[] decoded = new float[rows * dim];
        Kernels.decodeSortedRows(code.rowOf(), code.latents(), code.scales(), code.count(), wDec, paddedDim,
                Arrays.copyOf(bias, paddedDim), rows, dim, decoded, new float[block]);
        float[] grad = new float[rows * dim];
        double total = Kernels.scaledDifference(decoded, x, rows * dim, 0.01f, grad);
        int first = Kernels.firstLastRow(rows, dim, paddedDim);
        float[] lastRows = new float[(rows - first) * paddedDim];
        Kernels.copyLastRows(grad, rows, dim, first, lastRows, paddedDim);
        float[] acc = new float[width * paddedDim];
        float[] dots = new float[code.count()];
        Kernels.dotAndScatterByLatent(code.starts(), width, code.rows(), code.byLatent(), grad, dim, rows * dim,
                lastRows, first, wDec, acc, paddedDim, dots);
        float[] scatter = new float[width * paddedDim];
        Kernels.scatterByLatent(code.starts(), width, code.rows(), code.byLatent(), grad, dim, rows * dim, lastRows,
                first, scatter, paddedDim);
        for (int j = 0; j < width; j++) {
            Arrays.fill(acc, j * paddedDim + dim, (j + 1) * paddedDim, 0f);
            Arrays.fill(scatter, j * paddedDim + dim, (j + 1) * paddedDim, 0f);
        }
        return new Outputs(raw, scaled, decoded, acc, dots, scatter, centered, sums, grad, total);
    }

    private static float[] gaussian(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static void assertSameOutputs(Outputs expected, Outputs actual, String what) {
        assertBits(expected.raw(), actual.raw(), 0, expected.raw().length, what + " raw");
        assertBits(expected.scaled(), actual.scaled(), 0, expected.scaled().length, what + " scaled");
        assertBits(expected.decoded(), actual.decoded(), 0, expected.decoded().length, what + " decoded");
        assertBits(expected.acc(), actual.acc(), 0, expected.acc().length, what + " acc");
        assertBits(expected.dots(), actual.dots(), 0, expected.dots().length, what + " dots");
        assertBits(expected.scatter(), actual.scatter(), 0, expected.scatter().length, what + " scatter");
        assertBits(expected.centered(), actual.centered(), 0, expected.centered().length, what + " centered");
        assertBits(expected.sums(), actual.sums(), 0, expected.sums().length, what + " column sums");
        assertBits(expected.grad(), actual.grad(), 0, expected.grad().length, what + " gradient");
        assertEquals(expected.total(), actual.total(), 0.0, what + " squares");
    }

    @Test
    void kernelsGiveTheSameOutputsInEveryModeAndWhileSwitching() {
        for (long seed = 1; seed <= 60; seed++) {
            Kernels.setMode(Kernels.Mode.SIMD);
            Outputs simd = throughKernels(seed);
            Kernels.setMode(Kernels.Mode.PLAIN);
            assertSameOutputs(simd, throughKernels(seed), "plain, seed " + seed);
            if (Kernels.nativeAvailable()) {
                Kernels.setMode(Kernels.Mode.NATIVE);
                assertSameOutputs(simd, throughKernels(seed), "native, seed " + seed);
            }
            // a fresh JAVA mode runs the twin and the SIMD slice (its first calls are never SIMD alone)
            Kernels.setMode(Kernels.Mode.JAVA);
            assertSameOutputs(simd, throughKernels(seed), "switching, seed " + seed);
        }
    }

    @Test
    void aSwitchGoesToSimdAfterThreeFasterCallsInARow() {
        Kernels.Switch s = Kernels.newSwitch();
        assertFalse(s.simd());
        s.record(100, 10, 50, 10);
        s.record(10, 10, 50, 10);
        s.record(10, 10, 50, 10);
        s.record(300, 1, 50, 10);
        assertFalse(s.simd(), "a slower call starts the count again");
        s.record(10, 1, 1000, 10);
        s.record(10, 1, 1000, 10);
        assertFalse(s.simd());
        s.record(10, 1, 1000, 10);
        assertTrue(s.simd(), "three calls faster per unit");
        Kernels.setMode(Kernels.Mode.PLAIN);
        for (int i = 0; i < 5; i++) {
            s.record(1, 1, 1000, 1);
        }
        assertFalse(s.simd(), "plain mode keeps the twins");
        Kernels.setMode(Kernels.Mode.SIMD);
        assertTrue(s.simd());
    }
}
