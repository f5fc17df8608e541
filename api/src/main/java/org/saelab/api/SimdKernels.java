package org.saelab.api;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the Vector API. Loaded only when the module is present. Vectors are 256 bits
 * wide unless the machine has less or {@code -Dsaelab.vectorBits=512} asks for more. Batch top-k
 * and the post20 sampler use 256-bit vectors too: with float vectors of two shapes in one JVM,
 * C2 (JDK 17) left some vector operations as heap objects, and a run allocated about 10 MB per
 * step. Alone, 512-bit kernels were about 10 % faster per step (JMH TrainingStepBenchmark).
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
        if (paddedWidth == 2 * L) {
            // a group's last block spills past the group: into rows written later, never past the end
            for (; (r + 5) * width + 2 * L <= end; r += 6) {
                sixRowsTwoBlocks(c, r * dim, dim, w, paddedWidth, bias, norms, width, raw, scaled, r * width, end, spare);
            }
        } else if (paddedWidth == 3 * L) {
            for (; (r + 3) * width + 3 * L <= end; r += 4) {
                fourRowsThreeBlocks(c, r * dim, dim, w, paddedWidth, bias, norms, width, raw, scaled, r * width, end,
                        spare);
            }
        }
        for (; (r + 7) * width + paddedWidth <= end; r += 8) {
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
        a0.intoArray(raw, out);
        a0.mul(n).intoArray(scaled, out);
        a1.intoArray(raw, out + width);
        a1.mul(n).intoArray(scaled, out + width);
        a2.intoArray(raw, out + 2 * width);
        a2.mul(n).intoArray(scaled, out + 2 * width);
        a3.intoArray(raw, out + 3 * width);
        a3.mul(n).intoArray(scaled, out + 3 * width);
        a4.intoArray(raw, out + 4 * width);
        a4.mul(n).intoArray(scaled, out + 4 * width);
        a5.intoArray(raw, out + 5 * width);
        a5.mul(n).intoArray(scaled, out + 5 * width);
        a6.intoArray(raw, out + 6 * width);
        a6.mul(n).intoArray(scaled, out + 6 * width);
        a7.intoArray(raw, out + 7 * width);
        a7.mul(n).intoArray(scaled, out + 7 * width);
    }

    /**
     * All latents of four rows when the padded width is three vectors: twelve accumulators, and
     * each input broadcast once for all three blocks. Rows are stored in order, each row's blocks
     * first to last, so a block spilling into the next row is overwritten by that row's own; the
     * caller leaves at least one row after the group. The stores are written out here: a vector
     * passed to a method that is not inlined is boxed on the heap.
     */
    private static void fourRowsThreeBlocks(float[] c, int c0, int dim, float[] w, int paddedWidth, float[] bias,
            float[] norms, int width, float[] raw, float[] scaled, int out, int end, float[] spare) {
        FloatVector b0 = FloatVector.fromArray(S, bias, 0);
        FloatVector b1 = FloatVector.fromArray(S, bias, L);
        FloatVector b2 = FloatVector.fromArray(S, bias, 2 * L);
        FloatVector a00 = b0, a01 = b1, a02 = b2;
        FloatVector a10 = b0, a11 = b1, a12 = b2;
        FloatVector a20 = b0, a21 = b1, a22 = b2;
        FloatVector a30 = b0, a31 = b1, a32 = b2;
        for (int i = 0, wi = 0, ci = c0; i < dim; i++, wi += paddedWidth, ci++) {
            FloatVector w0 = FloatVector.fromArray(S, w, wi);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * L);
            FloatVector x = FloatVector.broadcast(S, c[ci]);
            a00 = w0.fma(x, a00);
            a01 = w1.fma(x, a01);
            a02 = w2.fma(x, a02);
            x = FloatVector.broadcast(S, c[ci + dim]);
            a10 = w0.fma(x, a10);
            a11 = w1.fma(x, a11);
            a12 = w2.fma(x, a12);
            x = FloatVector.broadcast(S, c[ci + 2 * dim]);
            a20 = w0.fma(x, a20);
            a21 = w1.fma(x, a21);
            a22 = w2.fma(x, a22);
            x = FloatVector.broadcast(S, c[ci + 3 * dim]);
            a30 = w0.fma(x, a30);
            a31 = w1.fma(x, a31);
            a32 = w2.fma(x, a32);
        }
        FloatVector n0 = FloatVector.fromArray(S, norms, 0);
        FloatVector n1 = FloatVector.fromArray(S, norms, L);
        FloatVector n2 = FloatVector.fromArray(S, norms, 2 * L);
        a00.intoArray(raw, out);
        a00.mul(n0).intoArray(scaled, out);
        a01.intoArray(raw, out + L);
        a01.mul(n1).intoArray(scaled, out + L);
        a02.intoArray(raw, out + 2 * L);
        a02.mul(n2).intoArray(scaled, out + 2 * L);
        out += width;
        a10.intoArray(raw, out);
        a10.mul(n0).intoArray(scaled, out);
        a11.intoArray(raw, out + L);
        a11.mul(n1).intoArray(scaled, out + L);
        a12.intoArray(raw, out + 2 * L);
        a12.mul(n2).intoArray(scaled, out + 2 * L);
        out += width;
        a20.intoArray(raw, out);
        a20.mul(n0).intoArray(scaled, out);
        a21.intoArray(raw, out + L);
        a21.mul(n1).intoArray(scaled, out + L);
        a22.intoArray(raw, out + 2 * L);
        a22.mul(n2).intoArray(scaled, out + 2 * L);
        out += width;
        a30.intoArray(raw, out);
        a30.mul(n0).intoArray(scaled, out);
        a31.intoArray(raw, out + L);
        a31.mul(n1).intoArray(scaled, out + L);
        a32.intoArray(raw, out + 2 * L);
        a32.mul(n2).intoArray(scaled, out + 2 * L);
    }

    /** As {@link #fourRowsThreeBlocks} for a padded width of two vectors, six rows at a time. */
    private static void sixRowsTwoBlocks(float[] c, int c0, int dim, float[] w, int paddedWidth, float[] bias,
            float[] norms, int width, float[] raw, float[] scaled, int out, int end, float[] spare) {
        FloatVector b0 = FloatVector.fromArray(S, bias, 0);
        FloatVector b1 = FloatVector.fromArray(S, bias, L);
        FloatVector a00 = b0, a01 = b1;
        FloatVector a10 = b0, a11 = b1;
        FloatVector a20 = b0, a21 = b1;
        FloatVector a30 = b0, a31 = b1;
        FloatVector a40 = b0, a41 = b1;
        FloatVector a50 = b0, a51 = b1;
        for (int i = 0, wi = 0, ci = c0; i < dim; i++, wi += paddedWidth, ci++) {
            FloatVector w0 = FloatVector.fromArray(S, w, wi);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
            FloatVector x = FloatVector.broadcast(S, c[ci]);
            a00 = w0.fma(x, a00);
            a01 = w1.fma(x, a01);
            x = FloatVector.broadcast(S, c[ci + dim]);
            a10 = w0.fma(x, a10);
            a11 = w1.fma(x, a11);
            x = FloatVector.broadcast(S, c[ci + 2 * dim]);
            a20 = w0.fma(x, a20);
            a21 = w1.fma(x, a21);
            x = FloatVector.broadcast(S, c[ci + 3 * dim]);
            a30 = w0.fma(x, a30);
            a31 = w1.fma(x, a31);
            x = FloatVector.broadcast(S, c[ci + 4 * dim]);
            a40 = w0.fma(x, a40);
            a41 = w1.fma(x, a41);
            x = FloatVector.broadcast(S, c[ci + 5 * dim]);
            a50 = w0.fma(x, a50);
            a51 = w1.fma(x, a51);
        }
        FloatVector n0 = FloatVector.fromArray(S, norms, 0);
        FloatVector n1 = FloatVector.fromArray(S, norms, L);
        a00.intoArray(raw, out);
        a00.mul(n0).intoArray(scaled, out);
        a01.intoArray(raw, out + L);
        a01.mul(n1).intoArray(scaled, out + L);
        out += width;
        a10.intoArray(raw, out);
        a10.mul(n0).intoArray(scaled, out);
        a11.intoArray(raw, out + L);
        a11.mul(n1).intoArray(scaled, out + L);
        out += width;
        a20.intoArray(raw, out);
        a20.mul(n0).intoArray(scaled, out);
        a21.intoArray(raw, out + L);
        a21.mul(n1).intoArray(scaled, out + L);
        out += width;
        a30.intoArray(raw, out);
        a30.mul(n0).intoArray(scaled, out);
        a31.intoArray(raw, out + L);
        a31.mul(n1).intoArray(scaled, out + L);
        out += width;
        a40.intoArray(raw, out);
        a40.mul(n0).intoArray(scaled, out);
        a41.intoArray(raw, out + L);
        a41.mul(n1).intoArray(scaled, out + L);
        out += width;
        a50.intoArray(raw, out);
        a50.mul(n0).intoArray(scaled, out);
        a51.intoArray(raw, out + L);
        a51.mul(n1).intoArray(scaled, out + L);
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
    /** Rows of the sparse kernels are padded to a multiple of this: four vectors, four accumulators. */
    static int rowBlock() {
        return 4 * L;
    }

    /**
     * Decodes rows [0, rows) of a code whose entries are sorted by row: out row b = bias +
     * Σ scales[e] · w[latents[e] · paddedDim, + dim) over the entries e of row b, four vectors of
     * the row at a time. w and bias are padded to paddedDim (a multiple of {@link #rowBlock()})
     * with zeros; vectors that run past the row's end spill into the next row, which is written
     * after it (the end of the last row goes through {@code spare}).
     */
    static void decodeSortedRows(int[] rowOf, int[] latents, float[] scales, int count, float[] w, int paddedDim,
            float[] bias, int rows, int dim, float[] out, float[] spare) {
        if (paddedDim == 8 * L) {
            decodeSortedRowsTwoBlocks(rowOf, latents, scales, count, w, bias, rows, dim, out, spare);
            return;
        }
        int end = rows * dim;
        int e = 0;
        for (int b = 0; b < rows; b++) {
            int last = e;
            while (last < count && rowOf[last] == b) {
                last++;
            }
            int outRow = b * dim;
            for (int v = 0; v < paddedDim; v += 4 * L) {
                FloatVector a0 = FloatVector.fromArray(S, bias, v);
                FloatVector a1 = FloatVector.fromArray(S, bias, v + L);
                FloatVector a2 = FloatVector.fromArray(S, bias, v + 2 * L);
                FloatVector a3 = FloatVector.fromArray(S, bias, v + 3 * L);
                for (int x = e; x < last; x++) {
                    int from = latents[x] * paddedDim + v;
                    FloatVector scale = FloatVector.broadcast(S, scales[x]);
                    a0 = FloatVector.fromArray(S, w, from).fma(scale, a0);
                    a1 = FloatVector.fromArray(S, w, from + L).fma(scale, a1);
                    a2 = FloatVector.fromArray(S, w, from + 2 * L).fma(scale, a2);
                    a3 = FloatVector.fromArray(S, w, from + 3 * L).fma(scale, a3);
                }
                int at = outRow + v;
                if (at + 4 * L <= end) {
                    a0.intoArray(out, at);
                    a1.intoArray(out, at + L);
                    a2.intoArray(out, at + 2 * L);
                    a3.intoArray(out, at + 3 * L);
                } else {
                    a0.intoArray(spare, 0);
                    a1.intoArray(spare, L);
                    a2.intoArray(spare, 2 * L);
                    a3.intoArray(spare, 3 * L);
                    System.arraycopy(spare, 0, out, at, Math.min(4 * L, end - at));
                }
            }
            e = last;
        }
    }

    /**
     * {@link #decodeSortedRows} for rows of two blocks (eight vectors; 64 floats for a post row):
     * both blocks in registers at once, so each entry is read once. The same operations per lane.
     */
    private static void decodeSortedRowsTwoBlocks(int[] rowOf, int[] latents, float[] scales, int count, float[] w,
            float[] bias, int rows, int dim, float[] out, float[] spare) {
        int paddedDim = 8 * L;
        int end = rows * dim;
        int e = 0;
        for (int b = 0; b < rows; b++) {
            FloatVector a0 = FloatVector.fromArray(S, bias, 0);
            FloatVector a1 = FloatVector.fromArray(S, bias, L);
            FloatVector a2 = FloatVector.fromArray(S, bias, 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, bias, 3 * L);
            FloatVector a4 = FloatVector.fromArray(S, bias, 4 * L);
            FloatVector a5 = FloatVector.fromArray(S, bias, 5 * L);
            FloatVector a6 = FloatVector.fromArray(S, bias, 6 * L);
            FloatVector a7 = FloatVector.fromArray(S, bias, 7 * L);
            for (; e < count && rowOf[e] == b; e++) {
                int from = latents[e] * paddedDim;
                FloatVector scale = FloatVector.broadcast(S, scales[e]);
                a0 = FloatVector.fromArray(S, w, from).fma(scale, a0);
                a1 = FloatVector.fromArray(S, w, from + L).fma(scale, a1);
                a2 = FloatVector.fromArray(S, w, from + 2 * L).fma(scale, a2);
                a3 = FloatVector.fromArray(S, w, from + 3 * L).fma(scale, a3);
                a4 = FloatVector.fromArray(S, w, from + 4 * L).fma(scale, a4);
                a5 = FloatVector.fromArray(S, w, from + 5 * L).fma(scale, a5);
                a6 = FloatVector.fromArray(S, w, from + 6 * L).fma(scale, a6);
                a7 = FloatVector.fromArray(S, w, from + 7 * L).fma(scale, a7);
            }
            int at = b * dim;
            if (at + 8 * L <= end) {
                a0.intoArray(out, at);
                a1.intoArray(out, at + L);
                a2.intoArray(out, at + 2 * L);
                a3.intoArray(out, at + 3 * L);
                a4.intoArray(out, at + 4 * L);
                a5.intoArray(out, at + 5 * L);
                a6.intoArray(out, at + 6 * L);
                a7.intoArray(out, at + 7 * L);
            } else {
                // the last rows: each block through spare, as far as the output goes
                a0.intoArray(spare, 0);
                a1.intoArray(spare, L);
                a2.intoArray(spare, 2 * L);
                a3.intoArray(spare, 3 * L);
                System.arraycopy(spare, 0, out, at, Math.min(4 * L, end - at));
                if (at + 4 * L < end) {
                    a4.intoArray(spare, 0);
                    a5.intoArray(spare, L);
                    a6.intoArray(spare, 2 * L);
                    a7.intoArray(spare, 3 * L);
                    System.arraycopy(spare, 0, out, at + 4 * L, Math.min(4 * L, end - at - 4 * L));
                }
            }
        }
    }

    /**
     * acc row j = Σ scales[x] · src row rows[x] over the entries x in [starts[j], starts[j + 1]),
     * for j in [0, latents), four vectors of the row at a time, accumulated in registers in the
     * entries' order. Rows of acc are paddedDim long (a multiple of {@link #rowBlock()}); src rows
     * are read as whole vectors, past their end (see {@link Kernels#scatterByLatent}).
     */
    static void scatterByLatent(int[] starts, int latents, int[] rows, float[] scales, float[] src, int dim,
            int srcEnd, float[] lastRows, int firstLastRow, float[] acc, int paddedDim) {
        if (paddedDim == 8 * L) {
            scatterByLatentTwoBlocks(starts, latents, rows, scales, src, dim, srcEnd, lastRows, firstLastRow, acc);
            return;
        }
        for (int j = 0; j < latents; j++) {
            int first = starts[j];
            int stop = starts[j + 1];
            for (int v = 0; v < paddedDim; v += 4 * L) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int x = first; x < stop; x++) {
                    int b = rows[x];
                    float[] row = src;
                    int from = b * dim;
                    if (from + paddedDim > srcEnd) {
                        row = lastRows;
                        from = (b - firstLastRow) * paddedDim;
                    }
                    from += v;
                    FloatVector s = FloatVector.broadcast(S, scales[x]);
                    a0 = FloatVector.fromArray(S, row, from).fma(s, a0);
                    a1 = FloatVector.fromArray(S, row, from + L).fma(s, a1);
                    a2 = FloatVector.fromArray(S, row, from + 2 * L).fma(s, a2);
                    a3 = FloatVector.fromArray(S, row, from + 3 * L).fma(s, a3);
                }
                int to = j * paddedDim + v;
                a0.intoArray(acc, to);
                a1.intoArray(acc, to + L);
                a2.intoArray(acc, to + 2 * L);
                a3.intoArray(acc, to + 3 * L);
            }
        }
    }

    /** {@link #scatterByLatent} for rows of two blocks: eight accumulators, each entry read once. */
    private static void scatterByLatentTwoBlocks(int[] starts, int latents, int[] rows, float[] scales, float[] src,
            int dim, int srcEnd, float[] lastRows, int firstLastRow, float[] acc) {
        int paddedDim = 8 * L;
        for (int j = 0; j < latents; j++) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            for (int x = starts[j], stop = starts[j + 1]; x < stop; x++) {
                int b = rows[x];
                float[] row = src;
                int from = b * dim;
                if (from + paddedDim > srcEnd) {
                    row = lastRows;
                    from = (b - firstLastRow) * paddedDim;
                }
                FloatVector s = FloatVector.broadcast(S, scales[x]);
                a0 = FloatVector.fromArray(S, row, from).fma(s, a0);
                a1 = FloatVector.fromArray(S, row, from + L).fma(s, a1);
                a2 = FloatVector.fromArray(S, row, from + 2 * L).fma(s, a2);
                a3 = FloatVector.fromArray(S, row, from + 3 * L).fma(s, a3);
                a4 = FloatVector.fromArray(S, row, from + 4 * L).fma(s, a4);
                a5 = FloatVector.fromArray(S, row, from + 5 * L).fma(s, a5);
                a6 = FloatVector.fromArray(S, row, from + 6 * L).fma(s, a6);
                a7 = FloatVector.fromArray(S, row, from + 7 * L).fma(s, a7);
            }
            int to = j * paddedDim;
            a0.intoArray(acc, to);
            a1.intoArray(acc, to + L);
            a2.intoArray(acc, to + 2 * L);
            a3.intoArray(acc, to + 3 * L);
            a4.intoArray(acc, to + 4 * L);
            a5.intoArray(acc, to + 5 * L);
            a6.intoArray(acc, to + 6 * L);
            a7.intoArray(acc, to + 7 * L);
        }
    }

    /**
     * {@link #scatterByLatent}, and dots[x] = ⟨src row rows[x], w row j⟩ for each entry x of
     * latent j (rows of w zero-padded to paddedDim).
     */
    static void dotAndScatterByLatent(int[] starts, int latents, int[] rows, float[] scales, float[] src, int dim,
            int srcEnd, float[] lastRows, int firstLastRow, float[] w, float[] acc, int paddedDim, float[] dots) {
        if (paddedDim == 8 * L) {
            dotAndScatterByLatentTwoBlocks(starts, latents, rows, scales, src, dim, srcEnd, lastRows, firstLastRow, w,
                    acc, dots);
            return;
        }
        for (int j = 0; j < latents; j++) {
            int first = starts[j];
            int stop = starts[j + 1];
            for (int v = 0; v < paddedDim; v += 4 * L) {
                int to = j * paddedDim + v;
                FloatVector w0 = FloatVector.fromArray(S, w, to);
                FloatVector w1 = FloatVector.fromArray(S, w, to + L);
                FloatVector w2 = FloatVector.fromArray(S, w, to + 2 * L);
                FloatVector w3 = FloatVector.fromArray(S, w, to + 3 * L);
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int x = first; x < stop; x++) {
                    int b = rows[x];
                    float[] row = src;
                    int from = b * dim;
                    if (from + paddedDim > srcEnd) {
                        row = lastRows;
                        from = (b - firstLastRow) * paddedDim;
                    }
                    from += v;
                    FloatVector g0 = FloatVector.fromArray(S, row, from);
                    FloatVector g1 = FloatVector.fromArray(S, row, from + L);
                    FloatVector g2 = FloatVector.fromArray(S, row, from + 2 * L);
                    FloatVector g3 = FloatVector.fromArray(S, row, from + 3 * L);
                    float dot = g0.mul(w0).add(g1.mul(w1)).add(g2.mul(w2).add(g3.mul(w3))).reduceLanes(VectorOperators.ADD);
                    dots[x] = v == 0 ? dot : dots[x] + dot;
                    FloatVector s = FloatVector.broadcast(S, scales[x]);
                    a0 = g0.fma(s, a0);
                    a1 = g1.fma(s, a1);
                    a2 = g2.fma(s, a2);
                    a3 = g3.fma(s, a3);
                }
                a0.intoArray(acc, to);
                a1.intoArray(acc, to + L);
                a2.intoArray(acc, to + 2 * L);
                a3.intoArray(acc, to + 3 * L);
            }
        }
    }

    /**
     * {@link #dotAndScatterByLatent} for rows of two blocks: the latent's decoder row and eight
     * accumulators in registers, each entry read once; the dot is the first block's plus the
     * second's, as there.
     */
    private static void dotAndScatterByLatentTwoBlocks(int[] starts, int latents, int[] rows, float[] scales,
            float[] src, int dim, int srcEnd, float[] lastRows, int firstLastRow, float[] w, float[] acc,
            float[] dots) {
        int paddedDim = 8 * L;
        for (int j = 0; j < latents; j++) {
            int to = j * paddedDim;
            FloatVector w0 = FloatVector.fromArray(S, w, to);
            FloatVector w1 = FloatVector.fromArray(S, w, to + L);
            FloatVector w2 = FloatVector.fromArray(S, w, to + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, to + 3 * L);
            FloatVector w4 = FloatVector.fromArray(S, w, to + 4 * L);
            FloatVector w5 = FloatVector.fromArray(S, w, to + 5 * L);
            FloatVector w6 = FloatVector.fromArray(S, w, to + 6 * L);
            FloatVector w7 = FloatVector.fromArray(S, w, to + 7 * L);
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            for (int x = starts[j], stop = starts[j + 1]; x < stop; x++) {
                int b = rows[x];
                float[] row = src;
                int from = b * dim;
                if (from + paddedDim > srcEnd) {
                    row = lastRows;
                    from = (b - firstLastRow) * paddedDim;
                }
                FloatVector g0 = FloatVector.fromArray(S, row, from);
                FloatVector g1 = FloatVector.fromArray(S, row, from + L);
                FloatVector g2 = FloatVector.fromArray(S, row, from + 2 * L);
                FloatVector g3 = FloatVector.fromArray(S, row, from + 3 * L);
                FloatVector g4 = FloatVector.fromArray(S, row, from + 4 * L);
                FloatVector g5 = FloatVector.fromArray(S, row, from + 5 * L);
                FloatVector g6 = FloatVector.fromArray(S, row, from + 6 * L);
                FloatVector g7 = FloatVector.fromArray(S, row, from + 7 * L);
                float first = g0.mul(w0).add(g1.mul(w1)).add(g2.mul(w2).add(g3.mul(w3))).reduceLanes(VectorOperators.ADD);
                float second = g4.mul(w4).add(g5.mul(w5)).add(g6.mul(w6).add(g7.mul(w7))).reduceLanes(VectorOperators.ADD);
                dots[x] = first + second;
                FloatVector s = FloatVector.broadcast(S, scales[x]);
                a0 = g0.fma(s, a0);
                a1 = g1.fma(s, a1);
                a2 = g2.fma(s, a2);
                a3 = g3.fma(s, a3);
                a4 = g4.fma(s, a4);
                a5 = g5.fma(s, a5);
                a6 = g6.fma(s, a6);
                a7 = g7.fma(s, a7);
            }
            a0.intoArray(acc, to);
            a1.intoArray(acc, to + L);
            a2.intoArray(acc, to + 2 * L);
            a3.intoArray(acc, to + 3 * L);
            a4.intoArray(acc, to + 4 * L);
            a5.intoArray(acc, to + 5 * L);
            a6.intoArray(acc, to + 6 * L);
            a7.intoArray(acc, to + 7 * L);
        }
    }

    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());

    /**
     * grad[e] = scale · (a[e] − b[e]) for e in [0, n); returns Σ (a[e] − b[e])², each square
     * rounded to float and summed in double, as a scalar loop would (gradient checks difference
     * this sum at small steps).
     */
    static double scaledDifference(float[] a, float[] b, int n, float scale, float[] grad) {
        FloatVector sv = FloatVector.broadcast(S, scale);
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = DoubleVector.zero(D);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, i));
            d.mul(sv).intoArray(grad, i);
            FloatVector squares = d.mul(d);
            s0 = s0.add((DoubleVector) squares.convertShape(VectorOperators.F2D, D, 0));
            s1 = s1.add((DoubleVector) squares.convertShape(VectorOperators.F2D, D, 1));
        }
        double total = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float d = a[i] - b[i];
            grad[i] = scale * d;
            total += d * d;
        }
        return total;
    }
}
