package org.saelab.api;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the Vector API. Loaded only when the module is present. Vectors are 256
 * bits wide unless the machine has less or {@code -Dsaelab.vectorBits=512} asks for more: at
 * the post's widths (20 latents, 50 inputs) eight lanes waste less in padding and tails than 16.
 */
final class SimdKernels {
    private SimdKernels() {}

    private static final VectorSpecies<Float> S = species();
    private static final int L = S.length();

    private static VectorSpecies<Float> species() {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int wanted = Integer.getInteger("saelab.vectorBits", 256);
        if (wanted >= 512 && preferred >= 512) {
            return FloatVector.SPECIES_512;
        }
        if (wanted >= 256 && preferred >= 256) {
            return FloatVector.SPECIES_256;
        }
        return FloatVector.SPECIES_PREFERRED;
    }

    static int lanes() {
        return L;
    }

    static void axpy(float a, float[] x, int xFrom, float[] y, int yFrom, int n) {
        FloatVector av = FloatVector.broadcast(S, a);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xFrom + i).fma(av, FloatVector.fromArray(S, y, yFrom + i)).intoArray(y, yFrom + i);
        }
        for (; i < n; i++) {
            y[yFrom + i] += a * x[xFrom + i];
        }
    }

    static float dotAndAxpy(float[] g, int gFrom, float[] w, int wFrom, float scale, float[] acc, int accFrom, int n) {
        FloatVector sv = FloatVector.broadcast(S, scale);
        FloatVector sum = FloatVector.zero(S);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, gFrom + i);
            sum = gv.fma(FloatVector.fromArray(S, w, wFrom + i), sum);
            gv.fma(sv, FloatVector.fromArray(S, acc, accFrom + i)).intoArray(acc, accFrom + i);
        }
        float dot = sum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float v = g[gFrom + i];
            dot += v * w[wFrom + i];
            acc[accFrom + i] += scale * v;
        }
        return dot;
    }

    static void subtractRow(float[] x, int rows, int dim, float[] bias, int biasFrom, float[] out) {
        int bound = S.loopBound(dim);
        for (int r = 0; r < rows; r++) {
            int row = r * dim;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, x, row + i).sub(FloatVector.fromArray(S, bias, biasFrom + i)).intoArray(out, row + i);
            }
            for (; i < dim; i++) {
                out[row + i] = x[row + i] - bias[biasFrom + i];
            }
        }
    }

    static void addColumnSums(float[] x, int rows, int dim, float[] acc, int accFrom) {
        int bound = S.loopBound(dim);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            int r = 0;
            for (; r + 2 <= rows; r += 2) {
                s0 = s0.add(FloatVector.fromArray(S, x, r * dim + i));
                s1 = s1.add(FloatVector.fromArray(S, x, (r + 1) * dim + i));
            }
            if (r < rows) {
                s0 = s0.add(FloatVector.fromArray(S, x, r * dim + i));
            }
            s0.add(s1).add(FloatVector.fromArray(S, acc, accFrom + i)).intoArray(acc, accFrom + i);
        }
        for (; i < dim; i++) {
            float s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[r * dim + i];
            }
            acc[accFrom + i] += s;
        }
    }

    /**
     * Eight rows at a time so that eight independent FMA chains hide the FMA latency; each weight
     * vector loaded is used by all eight rows, the inputs are broadcast from memory. Blocks of
     * latents go from the last to the first: the last, partial block is stored as a whole vector
     * whose extra lanes spill into the next row, which that row's own blocks overwrite later.
     */
    static void affineRows(float[] c, int rows, int dim, float[] w, int paddedWidth, float[] bias, float[] norms,
            int width, float[] raw, float[] scaled, float[] spare) {
        int end = rows * width;
        int r = 0;
        for (; r + 8 <= rows; r += 8) {
            for (int v = paddedWidth - L; v >= 0; v -= L) {
                eightRows(c, r * dim, dim, w, paddedWidth, v, bias, norms, width, raw, scaled, r * width + v, end, spare);
            }
        }
        for (; r < rows; r++) {
            for (int v = paddedWidth - L; v >= 0; v -= L) {
                oneRow(c, r * dim, dim, w, paddedWidth, v, bias, norms, width, raw, scaled, r * width + v, end, spare);
            }
        }
    }

    /** One block of L latents for rows [c0 / dim, c0 / dim + 8); kept small so that C2 compiles it whole. */
    private static void eightRows(float[] c, int c0, int dim, float[] w, int paddedWidth, int v, float[] bias,
            float[] norms, int width, float[] raw, float[] scaled, int out, int end, float[] spare) {
        FloatVector b = FloatVector.fromArray(S, bias, v);
        FloatVector a0 = b;
        FloatVector a1 = b;
        FloatVector a2 = b;
        FloatVector a3 = b;
        FloatVector a4 = b;
        FloatVector a5 = b;
        FloatVector a6 = b;
        FloatVector a7 = b;
        for (int i = 0, wi = v, ci = c0; i < dim; i++, wi += paddedWidth, ci++) {
            FloatVector wv = FloatVector.fromArray(S, w, wi);
            a0 = wv.fma(FloatVector.broadcast(S, c[ci]), a0);
            a1 = wv.fma(FloatVector.broadcast(S, c[ci + dim]), a1);
            a2 = wv.fma(FloatVector.broadcast(S, c[ci + 2 * dim]), a2);
            a3 = wv.fma(FloatVector.broadcast(S, c[ci + 3 * dim]), a3);
            a4 = wv.fma(FloatVector.broadcast(S, c[ci + 4 * dim]), a4);
            a5 = wv.fma(FloatVector.broadcast(S, c[ci + 5 * dim]), a5);
            a6 = wv.fma(FloatVector.broadcast(S, c[ci + 6 * dim]), a6);
            a7 = wv.fma(FloatVector.broadcast(S, c[ci + 7 * dim]), a7);
        }
        FloatVector n = FloatVector.fromArray(S, norms, v);
        int count = Math.min(L, width - v);
        store(a0, n, raw, scaled, out, count, end, spare);
        store(a1, n, raw, scaled, out + width, count, end, spare);
        store(a2, n, raw, scaled, out + 2 * width, count, end, spare);
        store(a3, n, raw, scaled, out + 3 * width, count, end, spare);
        store(a4, n, raw, scaled, out + 4 * width, count, end, spare);
        store(a5, n, raw, scaled, out + 5 * width, count, end, spare);
        store(a6, n, raw, scaled, out + 6 * width, count, end, spare);
        store(a7, n, raw, scaled, out + 7 * width, count, end, spare);
    }

    private static void oneRow(float[] c, int c0, int dim, float[] w, int paddedWidth, int v, float[] bias,
            float[] norms, int width, float[] raw, float[] scaled, int out, int end, float[] spare) {
        FloatVector a0 = FloatVector.fromArray(S, bias, v);
        for (int i = 0, wi = v; i < dim; i++, wi += paddedWidth) {
            a0 = FloatVector.fromArray(S, w, wi).fma(FloatVector.broadcast(S, c[c0 + i]), a0);
        }
        store(a0, FloatVector.fromArray(S, norms, v), raw, scaled, out, Math.min(L, width - v), end, spare);
    }

    /**
     * The first {@code count} lanes are this row's; any others spill into the next row (whose own
     * blocks overwrite them later) and are dropped only at the very end of the output.
     */
    private static void store(FloatVector a, FloatVector norms, float[] raw, float[] scaled, int at, int count, int end,
            float[] spare) {
        FloatVector s = a.mul(norms);
        if (at + L <= end) {
            a.intoArray(raw, at);
            s.intoArray(scaled, at);
        } else {
            // the last row's last block: through the spare array, lane by lane
            a.intoArray(spare, 0);
            s.intoArray(spare, L);
            System.arraycopy(spare, 0, raw, at, count);
            System.arraycopy(spare, L, scaled, at, count);
        }
    }
}
