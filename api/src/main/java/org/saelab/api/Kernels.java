package org.saelab.api;

/**
 * The dense inner loops of the SAE's forward and backward passes. With the incubating
 * {@code jdk.incubator.vector} module on the JVM (the launcher and the build add
 * {@code --add-modules jdk.incubator.vector}) they run on explicit SIMD vectors; without it,
 * or with {@code -Dsaelab.vector=false}, on plain loops with the same results up to float
 * rounding. The SIMD versions are several times faster at the post's shape (d_in 50, d_sae 20),
 * where the rows are too short for the JIT's own vectoriser.
 *
 * <p>Until the JIT has compiled a SIMD kernel, every vector operation in it is an object and a
 * call: a run's first fifty steps took about 2.5 s that way, against 15 ms once compiled. So each
 * batch kernel starts on its plain-loop twin in {@link ExactKernels}, which gives the same floats
 * bit for bit, and runs the SIMD version beside it on a small slice of the same call (to let the
 * JIT compile it, and to time it). Once the slice is faster per row than the twin on the whole
 * call, three calls in a row, the kernel switches to SIMD for good. Results do not depend on when
 * that happens. {@code -Dsaelab.kernels=simd} uses SIMD from the first call, {@code plain} the
 * twins throughout (see {@link #setMode}).
 *
 * <p>Where the native kernels ({@link NativeKernels}: the same operations in C, compiled ahead of
 * time) are built and the CPU has AVX2 and FMA, the default runs them from the first call instead:
 * the same floats again, without waiting for the JIT. {@code -Dsaelab.kernels=native} requires
 * them; {@code java} switches from the twins to SIMD as described above, {@code simd} and
 * {@code plain} keep to one Java version.
 */
public final class Kernels {
    private Kernels() {}

    /** Which versions of the batch kernels run when the SIMD versions are available. */
    public enum Mode {
        /**
         * The native kernels when they are available ({@link NativeKernels}); otherwise the exact
         * plain loops until the SIMD versions are compiled and faster, then SIMD.
         */
        AUTO,
        /** The native kernels; {@link #setMode} refuses it when they are not available. */
        NATIVE,
        /** The Java kernels: the exact plain loops until the SIMD versions are compiled and faster, then SIMD. */
        JAVA,
        /** SIMD from the first call. */
        SIMD,
        /** The exact plain loops throughout. */
        PLAIN
    }

    /**
     * One kernel's switch from its exact plain twin to SIMD. Calls from several threads may record
     * at once: a lost count only delays the switch, which changes no result.
     */
    public static final class Switch {
        private volatile boolean simd;
        private volatile boolean fixed;
        private int faster;

        private Switch() {}

        private void set(Mode mode) {
            fixed = mode != Mode.AUTO && mode != Mode.JAVA;
            faster = 0;
            simd = mode == Mode.SIMD || mode == Mode.NATIVE;
        }

        /** Whether the kernel runs on SIMD. */
        public boolean simd() {
            return simd;
        }

        /**
         * Records one call: the SIMD version took {@code simdNanos} for {@code simdUnits} rows
         * (or entries, or samples), the twin {@code plainNanos} for {@code plainUnits}. After three
         * calls in a row where SIMD was faster per unit, the kernel runs on SIMD for good.
         */
        public void record(long simdNanos, int simdUnits, long plainNanos, int plainUnits) {
            if (fixed) {
                return;
            }
            if ((double) simdNanos * plainUnits < (double) plainNanos * simdUnits) {
                if (++faster >= 3) {
                    simd = true;
                }
            } else {
                faster = 0;
            }
        }
    }

    /** What is wrong with the -Dsaelab.kernels setting, or null; see {@link #propertyError()}. */
    private static String propertyError;
    private static volatile Mode mode = modeProperty();

    private static boolean nativeFor(Mode m) {
        if (m == Mode.NATIVE && !NativeKernels.AVAILABLE) {
            throw new IllegalStateException("-Dsaelab.kernels=native: the native kernels are " + NativeKernels.status());
        }
        return (m == Mode.AUTO || m == Mode.NATIVE) && NativeKernels.AVAILABLE;
    }

    /** Whether the batch kernels run natively now. */
    public static boolean nativeInUse() {
        return nativeOn;
    }

    /** Whether the native kernels are loaded and run on this CPU. */
    public static boolean nativeAvailable() {
        return NativeKernels.AVAILABLE;
    }

    /** Whether the native kernels are loaded, or why not. */
    public static String nativeStatus() {
        return NativeKernels.status();
    }
    private static final java.util.List<Switch> SWITCHES = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static Mode modeProperty() {
        String value = System.getProperty("saelab.kernels", "auto");
        return switch (value) {
            case "auto" -> Mode.AUTO;
            case "native" -> Mode.NATIVE;
            case "java" -> Mode.JAVA;
            case "simd" -> Mode.SIMD;
            case "plain" -> Mode.PLAIN;
            default -> {
                propertyError = "-Dsaelab.kernels=" + value + ": expected auto, native, java, simd or plain";
                yield Mode.AUTO;
            }
        };
    }

    /**
     * What is wrong with {@code -Dsaelab.kernels}: an unknown value, or {@code native} where the
     * native kernels are not available; null when nothing is. The kernels then run as by default,
     * and the command line stops with this message before any work.
     */
    public static String propertyError() {
        return propertyError;
    }

    private static boolean nativeAtStart(Mode m) {
        try {
            return nativeFor(m);
        } catch (IllegalStateException e) {
            propertyError = e.getMessage();
            return NativeKernels.AVAILABLE;
        }
    }

    /** A new switch, set by the current mode and by every later {@link #setMode}. */
    public static Switch newSwitch() {
        Switch s = new Switch();
        s.set(mode);
        SWITCHES.add(s);
        return s;
    }

    static final Switch SUBTRACT = newSwitch();
    static final Switch COLUMN_SUMS = newSwitch();
    static final Switch AFFINE = newSwitch();
    static final Switch DECODE = newSwitch();
    static final Switch SCATTER = newSwitch();
    static final Switch DOT_SCATTER = newSwitch();
    static final Switch DIFFERENCE = newSwitch();

    /** Rows (or entries) of the SIMD slice that runs beside the twin, and floats for the MSE pass. */
    private static final int SLICE = 8;
    private static final int SLICE_FLOATS = 256;

    /**
     * Sets which versions of the kernels run from now on (without the SIMD versions, plain loops
     * always run). For tests and benchmarks; runs take {@code -Dsaelab.kernels}.
     */
    public static void setMode(Mode newMode) {
        nativeOn = nativeFor(newMode);
        mode = newMode;
        for (Switch s : SWITCHES) {
            s.set(newMode);
        }
    }

    /**
     * Whether every batch kernel runs on SIMD or natively (always false without the SIMD
     * versions).
     */
    public static boolean allSimd() {
        if (!VECTORISED) {
            return false;
        }
        if (nativeOn) {
            return true;
        }
        for (Switch s : SWITCHES) {
            if (!s.simd()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the SIMD versions are in use. */
    public static final boolean VECTORISED = !"false".equals(System.getProperty("saelab.vector"))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Whether the batch kernels run natively: the mode allows it and the library is loaded. */
    private static volatile boolean nativeOn = nativeAtStart(mode);

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
        if (nativeOn) {
            NativeKernels.subtractRow(x, rows, dim, bias, biasFrom, out);
            return;
        }
        if (VECTORISED) {
            if (SUBTRACT.simd() || rows <= SLICE || x == out) {
                SimdKernels.subtractRow(x, rows, dim, bias, biasFrom, out);
                return;
            }
            long t0 = System.nanoTime();
            SimdKernels.subtractRow(x, SLICE, dim, bias, biasFrom, out);
            long t1 = System.nanoTime();
            ExactKernels.subtractRow(x, rows, dim, bias, biasFrom, out);
            SUBTRACT.record(t1 - t0, SLICE, System.nanoTime() - t1, rows);
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
        if (nativeOn) {
            NativeKernels.addColumnSums(x, rows, dim, acc, accFrom);
            return;
        }
        if (VECTORISED) {
            if (COLUMN_SUMS.simd() || rows <= SLICE) {
                SimdKernels.addColumnSums(x, rows, dim, acc, accFrom);
                return;
            }
            // the sums add into acc: the slice's go to scratch (allocated only until the switch)
            float[] scratch = new float[dim];
            long t0 = System.nanoTime();
            SimdKernels.addColumnSums(x, SLICE, dim, scratch, 0);
            long t1 = System.nanoTime();
            ExactKernels.addColumnSums(x, rows, dim, acc, accFrom, SimdKernels.lanes());
            COLUMN_SUMS.record(t1 - t0, SLICE, System.nanoTime() - t1, rows);
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
        if (nativeOn) {
            NativeKernels.affineRows(c, rows, dim, w, paddedWidth, bias, norms, width, raw, scaled);
            return;
        }
        if (VECTORISED) {
            if (AFFINE.simd() || rows <= SLICE) {
                SimdKernels.affineRows(c, rows, dim, w, paddedWidth, bias, norms, width, raw, scaled, spare);
                return;
            }
            // the slice writes the first rows, which the twin then writes again with the same floats
            long t0 = System.nanoTime();
            SimdKernels.affineRows(c, SLICE, dim, w, paddedWidth, bias, norms, width, raw, scaled, spare);
            long t1 = System.nanoTime();
            ExactKernels.affineRows(c, rows, dim, w, paddedWidth, bias, norms, width, raw, scaled);
            AFFINE.record(t1 - t0, SLICE, System.nanoTime() - t1, rows);
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
        if (nativeOn) {
            NativeKernels.decodeSortedRows(rowOf, latents, scales, count, w, paddedDim, bias, rows, dim, out);
            return;
        }
        if (VECTORISED) {
            if (DECODE.simd() || rows <= SLICE) {
                SimdKernels.decodeSortedRows(rowOf, latents, scales, count, w, paddedDim, bias, rows, dim, out, spare);
                return;
            }
            int sliceCount = 0;
            while (sliceCount < count && rowOf[sliceCount] < SLICE) {
                sliceCount++;
            }
            long t0 = System.nanoTime();
            SimdKernels.decodeSortedRows(rowOf, latents, scales, sliceCount, w, paddedDim, bias, SLICE, dim, out, spare);
            long t1 = System.nanoTime();
            ExactKernels.decodeSortedRows(rowOf, latents, scales, count, w, paddedDim, bias, rows, dim, out);
            DECODE.record(t1 - t0, SLICE, System.nanoTime() - t1, rows);
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
        if (nativeOn) {
            NativeKernels.scatterByLatent(starts, latents, rows, scales, src, dim, srcEnd, acc, paddedDim);
            return;
        }
        if (VECTORISED) {
            int entries = starts[latents] - starts[0];
            if (SCATTER.simd() || entries <= SLICE) {
                SimdKernels.scatterByLatent(starts, latents, rows, scales, src, dim, srcEnd, lastRows, firstLastRow, acc,
                        paddedDim);
                return;
            }
            // the slice: the first SLICE entries as one latent into acc row 0, which the twin rewrites
            int[] slice = {starts[0], starts[0] + SLICE};
            long t0 = System.nanoTime();
            SimdKernels.scatterByLatent(slice, 1, rows, scales, src, dim, srcEnd, lastRows, firstLastRow, acc, paddedDim);
            long t1 = System.nanoTime();
            ExactKernels.scatterByLatent(starts, latents, rows, scales, src, dim, srcEnd, lastRows, firstLastRow, acc,
                    paddedDim);
            SCATTER.record(t1 - t0, SLICE, System.nanoTime() - t1, entries);
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
        if (nativeOn) {
            NativeKernels.dotAndScatterByLatent(starts, latents, rows, scales, src, dim, srcEnd, w, acc, paddedDim,
                    dots);
            return;
        }
        if (VECTORISED) {
            int entries = starts[latents] - starts[0];
            if (DOT_SCATTER.simd() || entries <= SLICE) {
                SimdKernels.dotAndScatterByLatent(starts, latents, rows, scales, src, dim, srcEnd, lastRows,
                        firstLastRow, w, acc, paddedDim, dots);
                return;
            }
            int[] slice = {starts[0], starts[0] + SLICE};
            long t0 = System.nanoTime();
            SimdKernels.dotAndScatterByLatent(slice, 1, rows, scales, src, dim, srcEnd, lastRows, firstLastRow, w, acc,
                    paddedDim, dots);
            long t1 = System.nanoTime();
            ExactKernels.dotAndScatterByLatent(starts, latents, rows, scales, src, dim, srcEnd, lastRows, firstLastRow,
                    w, acc, paddedDim, dots, SimdKernels.lanes());
            DOT_SCATTER.record(t1 - t0, SLICE, System.nanoTime() - t1, entries);
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
        if (nativeOn) {
            return NativeKernels.scaledDifference(a, b, n, scale, grad);
        }
        if (VECTORISED) {
            if (DIFFERENCE.simd() || n <= SLICE_FLOATS) {
                return SimdKernels.scaledDifference(a, b, n, scale, grad);
            }
            long t0 = System.nanoTime();
            SimdKernels.scaledDifference(a, b, SLICE_FLOATS, scale, grad);
            long t1 = System.nanoTime();
            double total = ExactKernels.scaledDifference(a, b, n, scale, grad, SimdKernels.lanes());
            DIFFERENCE.record(t1 - t0, SLICE_FLOATS, System.nanoTime() - t1, n);
            return total;
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
