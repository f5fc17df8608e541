package org.saelab.api;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Top-k selection by quickselect (no sort, no allocation). Ties at the cut are broken by
 * position: the earliest entries are kept, so the result is deterministic.
 */
public final class TopK {
    private TopK() {}

    /**
     * The value v such that keeping the entries {@code > v}, plus entries {@code == v} in order
     * until {@code keep} are kept, keeps the {@code keep} largest positive values of
     * {@code values[from, to)}. Returns 0 when at most {@code keep} values are positive.
     */
    public static float cutoff(float[] values, int from, int to, long keep, float[] scratch) {
        if (to - from >= HISTOGRAM_MIN_SIZE) {
            return cutoffByHistogram(values, from, to, keep, scratch);
        }
        int positives = 0;
        for (int e = from; e < to; e++) {
            float v = values[e];
            if (v > 0f) {
                scratch[positives++] = v;
            }
        }
        if (positives <= keep) {
            return 0f;
        }
        if (keep <= 0) {
            return Float.POSITIVE_INFINITY;
        }
        return kthLargest(scratch, positives, (int) keep - 1);
    }

    /** Below this many values a plain quickselect is cheaper than clearing the histogram. */
    private static final int HISTOGRAM_MIN_SIZE = 4096;
    private static final int BUCKETS = 1 << 11;
    private static final ThreadLocal<int[]> HISTOGRAM = ThreadLocal.withInitial(() -> new int[BUCKETS]);

    /**
     * The same cutoff as the quickselect path, in two linear passes: the bits of a positive float
     * order like the float itself, so a histogram over the top 11 bits (exponent and 3 mantissa
     * bits) finds the bucket holding the cut, and only that bucket's values are quickselected.
     */
    private static float cutoffByHistogram(float[] values, int from, int to, long keep, float[] scratch) {
        int[] histogram = HISTOGRAM.get();
        java.util.Arrays.fill(histogram, 0);
        int positives = 0;
        for (int e = from; e < to; e++) {
            float v = values[e];
            if (v > 0f) {
                histogram[Float.floatToRawIntBits(v) >>> 20]++;
                positives++;
            }
        }
        if (positives <= keep) {
            return 0f;
        }
        if (keep <= 0) {
            return Float.POSITIVE_INFINITY;
        }
        long above = 0;
        int bucket = BUCKETS - 1;
        while (above + histogram[bucket] < keep) {
            above += histogram[bucket];
            bucket--;
        }
        int inBucket = 0;
        for (int e = from; e < to; e++) {
            float v = values[e];
            if (v > 0f && Float.floatToRawIntBits(v) >>> 20 == bucket) {
                scratch[inBucket++] = v;
            }
        }
        return kthLargest(scratch, inBucket, (int) (keep - above) - 1);
    }

    /** The (index+1)-th largest of {@code a[0, n)}, reordering {@code a}. */
    public static float kthLargest(float[] a, int n, int index) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            // median of three as pivot, sorted descending
            if (a[mid] > a[lo]) swap(a, mid, lo);
            if (a[hi] > a[lo]) swap(a, hi, lo);
            if (a[hi] > a[mid]) swap(a, hi, mid);
            float pivot = a[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] > pivot) i++;
                while (a[j] < pivot) j--;
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (index <= j) {
                hi = j;
            } else if (index >= i) {
                lo = i;
            } else {
                return a[index];
            }
        }
        return a[lo];
    }

    private static void swap(float[] a, int i, int j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Zeroes every entry of {@code values[from, to)} except the {@code keep} largest positive ones. */
    public static void keepLargest(float[] values, int from, int to, long keep, float[] scratch) {
        float cut = cutoff(values, from, to, keep, scratch);
        int above = 0;
        for (int e = from; e < to; e++) {
            if (values[e] > cut) {
                above++;
            }
        }
        long tiesAllowed = cut > 0f ? keep - above : 0;
        for (int e = from; e < to; e++) {
            float v = values[e];
            if (v > cut) {
                continue;
            }
            if (v == cut && v > 0f && tiesAllowed > 0) {
                tiesAllowed--;
                continue;
            }
            values[e] = 0f;
        }
    }

    /**
     * Appends to {@code out} the {@code keep} largest positive entries of the row-major
     * [rows × width] array {@code pre}, in row-major order (BatchTopK over the whole batch).
     */
    public static void selectBatch(float[] pre, int rows, int width, long keep, float[] scratch, SparseCode out) {
        selectBatchExactly(pre, rows, width, keep, scratch, out);
    }

    /**
     * The same selection as {@link #selectBatch(float[], int, int, long, float[], SparseCode)},
     * entry for entry, faster when {@code hint} holds the cuts of similar earlier batches (the
     * previous training steps'): see {@link CutHint}. {@code hint} learns this batch's cut; it
     * never changes the result, only how fast it is found. The fast path runs natively (see
     * {@link NativeKernels}) or on the Vector API when asked for ({@code -Dsaelab.vectorTopK=true});
     * without either, or below 8 latents, this is the exact path.
     */
    public static void selectBatch(float[] pre, int rows, int width, long keep, float[] scratch, SparseCode out,
            CutHint hint) {
        int n = rows * width;
        // the banded pass matches the exact path's histogram path, so it runs only where that one would
        if (hint == null || !banded() || width < Simd.LANES || n > Simd.MAX_SIZE || n < HISTOGRAM_MIN_SIZE
                || keep <= 0 || out.count() + keep >= out.capacity() || scratch.length < n) {
            selectBatchExactly(pre, rows, width, keep, scratch, out);
            return;
        }
        int slot = hint.slot(n, keep);
        long band = hint.band(slot);
        boolean tried = band != 0;
        if (tried) {
            float cut = selectInBand(pre, rows, width, keep, (int) (band >>> 32), (int) band, scratch, out, hint);
            if (cut == cut) {
                hint.found++;
                hint.record(slot, cut, false);
                return;
            }
            hint.missed++;
            // one more pass, with a band placed by what the first one counted
            long next = hint.nextBand(keep, (int) (band >>> 32), (int) band);
            if (next != 0) {
                cut = selectInBand(pre, rows, width, keep, (int) (next >>> 32), (int) next, scratch, out, hint);
                if (cut == cut) {
                    hint.foundAfterMiss++;
                    hint.record(slot, cut, true);
                    return;
                }
            }
        }
        hint.record(slot, selectBatchExactly(pre, rows, width, keep, scratch, out), tried);
    }

    /** The selection without a hint; returns the cut it used (entries above it were kept). */
    private static float selectBatchExactly(float[] pre, int rows, int width, long keep, float[] scratch,
            SparseCode out) {
        int n = rows * width;
        if (n >= HISTOGRAM_MIN_SIZE && keep > 0) {
            float cut = selectBatchByHistogram(pre, rows, width, keep, scratch, out);
            if (cut == cut) {
                return cut;
            }
        }
        float cut = cutoff(pre, 0, n, keep, scratch);
        appendWithTies(pre, rows, width, keep, cut, out);
        return cut;
    }

    private static void appendWithTies(float[] pre, int rows, int width, long keep, float cut, SparseCode out) {
        int n = rows * width;
        int above = 0;
        for (int e = 0; e < n; e++) {
            if (pre[e] > cut) {
                above++;
            }
        }
        long tiesAllowed = cut > 0f ? keep - above : 0;
        for (int b = 0; b < rows; b++) {
            int row = b * width;
            for (int j = 0; j < width; j++) {
                float v = pre[row + j];
                if (v > cut || (v == cut && v > 0f && tiesAllowed-- > 0)) {
                    out.add(b, j, v);
                }
            }
        }
    }

    private static final ThreadLocal<int[]> SIGNED_HISTOGRAM = ThreadLocal.withInitial(() -> new int[2 * 4096]);

    /**
     * The same selection as the general path, without data-dependent branches on the batch: a
     * histogram over the top 12 bits of every value (sign, exponent, 3 mantissa bits; positive
     * values sort like their bits, negative ones land in buckets 2048 and up) finds the bucket of
     * the cut, the cut is quickselected among that bucket's values, and the entries ≥ cut are
     * appended. Returns the cut, or NaN, having appended nothing, when the cut is not a positive
     * value of bucket 1 or above, or when values equal to the cut must be split (ties): the
     * general path then decides.
     */
    private static float selectBatchByHistogram(float[] pre, int rows, int width, long keep, float[] scratch,
            SparseCode out) {
        int n = rows * width;
        if (out.count() + keep >= out.capacity()) {
            return Float.NaN;
        }
        int[] histogram = SIGNED_HISTOGRAM.get();
        java.util.Arrays.fill(histogram, 0);
        // two interleaved histograms, so that equal neighbours do not wait on each other's increment
        int e = 0;
        for (; e + 2 <= n; e += 2) {
            histogram[Float.floatToRawIntBits(pre[e]) >>> 20]++;
            histogram[4096 + (Float.floatToRawIntBits(pre[e + 1]) >>> 20)]++;
        }
        if (e < n) {
            histogram[Float.floatToRawIntBits(pre[e]) >>> 20]++;
        }
        long above = 0;
        int bucket = 2047;
        while (bucket > 0 && above + histogram[bucket] + histogram[4096 + bucket] < keep) {
            above += histogram[bucket] + histogram[4096 + bucket];
            bucket--;
        }
        if (bucket == 0) {
            return Float.NaN;
        }
        int inBucket = 0;
        for (int i = 0; i < n; i++) {
            float v = pre[i];
            scratch[inBucket] = v;
            inBucket += Float.floatToRawIntBits(v) >>> 20 == bucket ? 1 : 0;
        }
        int rank = (int) (keep - above) - 1;
        float cut = kthLargest(scratch, inBucket, rank);
        int atLeast = 0;
        for (int i = 0; i < inBucket; i++) {
            atLeast += scratch[i] >= cut ? 1 : 0;
        }
        if (above + atLeast != keep) {
            return Float.NaN;
        }
        out.appendAtLeast(pre, rows, width, cut);
        return cut;
    }

    /** Appends the {@code keep} largest positive entries of each row (per-sample TopK). */
    public static void selectPerRow(float[] pre, int rows, int width, int keep, float[] scratch, SparseCode out) {
        for (int b = 0; b < rows; b++) {
            int row = b * width;
            float cut = cutoff(pre, row, row + width, keep, scratch);
            int above = 0;
            for (int j = 0; j < width; j++) {
                if (pre[row + j] > cut) {
                    above++;
                }
            }
            long tiesAllowed = cut > 0f ? keep - above : 0;
            for (int j = 0; j < width; j++) {
                float v = pre[row + j];
                if (v > cut || (v == cut && v > 0f && tiesAllowed-- > 0)) {
                    out.add(b, j, v);
                }
            }
        }
    }

    /** Whether the banded pass runs on the Vector API (the module is present and vectors hold 8 floats). */
    private static final boolean BANDED_SIMD = Kernels.VECTORISED && Simd.usable();

    /** Whether hinted selections take the banded pass: natively, or on the Vector API where it is usable. */
    private static boolean banded() {
        return Kernels.nativeInUse() || BANDED_SIMD;
    }

    /**
     * Float bits of the lowest and highest cut the banded pass looks for: the exact path's
     * histogram buckets 1 (its bucket 0 makes it give up) to 2039 (Float.MAX_VALUE; bucket 2040
     * holds infinity and NaNs).
     */
    private static final int LOWEST_BAND_BITS = 0x0010_0000;
    private static final int HIGHEST_BAND_BITS = 0x7f7f_ffff;

    /**
     * The selection when its cut lies in the band [lo, hi] of float bits, or NaN, having appended
     * nothing, when it does not or when values equal to the cut would have to be split (ties):
     * the caller then tries a second band or the exact path. One pass over {@code pre} appends
     * every entry whose bits are {@code >= lo} (a superset of the selection, in row-major
     * order); the cut is found among the band's values and the appended entries below it are
     * dropped.
     *
     * <p>Why the result is the exact path's: comparing raw float bits as ints orders positive
     * floats like the floats and puts positive NaNs above them, as the exact path's histogram
     * does, so the cut found here (the keep-th largest by bits) is the value its histogram path
     * finds, and when no ties are split both keep the entries {@code >= cut} in row-major order.
     * The band lies within that histogram's buckets 1 to 2039, where it does not give up.
     */
    private static float selectInBand(float[] pre, int rows, int width, long keep, int lo, int hi, float[] scratch,
            SparseCode out, CutHint work) {
        int start = out.count();
        boolean natively = Kernels.nativeInUse();
        long counted = natively ? NativeKernels.gatherBand(pre, rows * width, lo, hi, scratch, out)
                : Simd.gatherBand(pre, rows * width, lo, hi, scratch, out);
        work.countedAbove = -1;
        if (counted < 0) {
            out.setCount(start);
            return Float.NaN;
        }
        int band = (int) counted;
        long above = counted >>> 32;
        if (above >= keep || above + band < keep) {
            work.countedAbove = above;
            work.countedInBand = band;
            out.setCount(start);
            return Float.NaN;
        }
        // narrow the band to the values of the cut's histogram bucket, then quickselect those
        int rank = (int) (keep - above) - 1;
        long narrowed = narrowBand(scratch, band, rank, lo, hi, work.histogram);
        int inBucket = (int) narrowed;
        long atLeast = above + (narrowed >>> 32);
        float cut = kthLargest(scratch, inBucket, rank - (int) (narrowed >>> 32));
        for (int i = 0; i < inBucket; i++) {
            atLeast += scratch[i] >= cut ? 1 : 0;
        }
        if (atLeast != keep) {
            out.setCount(start);
            return Float.NaN;
        }
        if (natively) {
            NativeKernels.keepAtLeast(out, start, cut, width);
        } else {
            Simd.keepAtLeast(out, start, cut, width);
        }
        return cut;
    }

    /** Buckets of the histogram that narrows the band down to the cut's bucket. */
    private static final int BAND_BUCKETS = 512;

    /**
     * Moves to the front of {@code values[0, n)} (float bits in [lo, hi]) the values of the
     * histogram bucket holding the {@code rank}-th largest (0 = the largest), the buckets being
     * equal ranges of float bits. Returns (values in higher buckets << 32) | values moved.
     */
    private static long narrowBand(float[] values, int n, int rank, int lo, int hi, int[] histogram) {
        int shift = 0;
        while ((hi - lo) >>> shift >= BAND_BUCKETS) {
            shift++;
        }
        int top = (hi - lo) >>> shift;
        java.util.Arrays.fill(histogram, 0, top + 1, 0);
        for (int i = 0; i < n; i++) {
            histogram[(Float.floatToRawIntBits(values[i]) - lo) >>> shift]++;
        }
        int above = 0;
        int bucket = top;
        while (above + histogram[bucket] <= rank) {
            above += histogram[bucket];
            bucket--;
        }
        int moved = 0;
        for (int i = 0; i < n; i++) {
            float v = values[i];
            values[moved] = v;
            moved += (Float.floatToRawIntBits(v) - lo) >>> shift == bucket ? 1 : 0;
        }
        return (long) above << 32 | moved;
    }

    /**
     * Recent cuts of {@link #selectBatch(float[], int, int, long, float[], SparseCode, CutHint)},
     * one per (batch size, keep), followed by a level and a trend (Holt's linear smoothing of the
     * cut's float bits) and by the typical distance of a cut from its prediction. The next call
     * looks for its cut in a band around the prediction, a few typical distances wide; a miss
     * costs a second pass, over a band placed from what the first counted (or, when that misses
     * too, the exact path), and widens the band. The trend matters when the cut grows steadily
     * (early training); otherwise the cut moves by batch noise and the trend stays near zero.
     * Keep one per training run (it is not thread-safe): a few slots serve the different k of one
     * step (the training k and a multi-L0 term's), and a k that changes a little every step (a
     * schedule) starts from the nearest slot.
     */
    public static final class CutHint {
        private static final int SLOTS = 4;
        /** The first typical distance, in float steps (2^16 is 0.4 to 0.8 % of the cut). */
        private static final double FIRST_DISTANCE = 1 << 16;
        /** Narrowest half-width of the band, in float steps (0.05 to 0.1 % of the cut). */
        private static final double MIN_HALF_WIDTH = 1 << 13;
        /** Half-width of the band in typical distances. */
        private static final double DISTANCES = 4;
        /** Weights of the prediction error in the level, in the trend and (its size) in the distance. */
        private static final double LEVEL_WEIGHT = 0.25;
        private static final double TREND_WEIGHT = 0.05;
        private static final double DISTANCE_WEIGHT = 0.125;

        private final int[] sizes = new int[SLOTS];
        private final long[] keeps = new long[SLOTS];
        /** Smoothed float bits of the cut; 0 when there is none. */
        private final double[] levels = new double[SLOTS];
        /** Smoothed change of the cut's float bits per call. */
        private final double[] trends = new double[SLOTS];
        /** Running mean of |cut - prediction| in float steps. */
        private final double[] distances = new double[SLOTS];
        private final long[] lastUsed = new long[SLOTS];
        /** Scratch for the histogram of the band's values. */
        final int[] histogram = new int[BAND_BUCKETS];
        /** What the last banded pass counted above its band and in it; -1 when it counted nothing useful. */
        long countedAbove = -1;
        long countedInBand;
        private long calls;
        private long found;
        private long missed;
        private long foundAfterMiss;

        /**
         * Whether hints are used: the native kernels are in use, or the Vector API's banded pass
         * is present (vectors of 8 floats) and asked for.
         */
        public static boolean used() {
            return banded();
        }

        /** Calls whose cut was found in the band of this hint. */
        public long found() {
            return found;
        }

        /** Calls that searched the band of this hint in vain (then a second band, or the exact path). */
        public long missed() {
            return missed;
        }

        /** Of the calls that {@link #missed()}, those whose cut was found in the second band. */
        public long foundAfterMiss() {
            return foundAfterMiss;
        }

        /** The slot of (n, keep): its own, else the least recently used one, seeded from the nearest keep. */
        int slot(int n, long keep) {
            calls++;
            int nearest = -1;
            int oldest = 0;
            for (int i = 0; i < SLOTS; i++) {
                if (sizes[i] == n && keeps[i] == keep) {
                    lastUsed[i] = calls;
                    return i;
                }
                if (levels[i] != 0 && sizes[i] == n
                        && (nearest < 0 || Math.abs(keeps[i] - keep) < Math.abs(keeps[nearest] - keep))) {
                    nearest = i;
                }
                if (lastUsed[i] < lastUsed[oldest]) {
                    oldest = i;
                }
            }
            boolean close = nearest >= 0 && Math.abs(keeps[nearest] - keep) <= keep / 8;
            levels[oldest] = close ? levels[nearest] : 0;
            trends[oldest] = close ? trends[nearest] : 0;
            distances[oldest] = close ? distances[nearest] : 0;
            sizes[oldest] = n;
            keeps[oldest] = keep;
            lastUsed[oldest] = calls;
            return oldest;
        }

        /** The band to search, as (lo << 32) | hi float bits, or 0 when there is no usable hint. */
        long band(int slot) {
            if (levels[slot] == 0) {
                return 0;
            }
            double prediction = levels[slot] + trends[slot];
            double half = Math.max(MIN_HALF_WIDTH, DISTANCES * distances[slot]);
            long lo = (long) Math.max(LOWEST_BAND_BITS, prediction - half);
            long hi = (long) Math.min(HIGHEST_BAND_BITS, prediction + half);
            return lo > hi ? 0 : lo << 32 | hi;
        }

        /**
         * After a banded pass over [lo, hi] that missed the cut, a band that should hold it: on
         * the missing side, as wide as the entries still missing would take at the density the
         * pass saw, times a margin (larger above, where the tail thins out). 0 when there is none.
         */
        long nextBand(long keep, int lo, int hi) {
            if (countedAbove < 0 || countedInBand == 0) {
                return 0;
            }
            double density = countedInBand / ((double) hi - lo + 1);
            long next;
            if (countedAbove >= keep) {
                double steps = 4 * (countedAbove - keep + 1) / density;
                next = (long) (hi + 1) << 32 | (long) Math.min(HIGHEST_BAND_BITS, hi + 1 + steps);
            } else {
                double steps = 2 * (keep - countedAbove - countedInBand) / density;
                next = (long) Math.max(LOWEST_BAND_BITS, lo - 1 - steps) << 32 | (lo - 1);
            }
            return (next >>> 32) <= (next & 0xffff_ffffL) ? next : 0;
        }

        /** Records the cut a call used; {@code missed} when the band was searched and did not hold it. */
        void record(int slot, float cut, boolean missed) {
            int bits = Float.floatToRawIntBits(cut);
            if (!(cut > 0f) || bits < LOWEST_BAND_BITS || bits > HIGHEST_BAND_BITS) {
                levels[slot] = 0;
                return;
            }
            if (levels[slot] == 0) {
                levels[slot] = bits;
                trends[slot] = 0;
                distances[slot] = FIRST_DISTANCE;
                return;
            }
            double prediction = levels[slot] + trends[slot];
            double error = bits - prediction;
            trends[slot] += TREND_WEIGHT * error;
            if (missed) {
                // start again from this cut, with a band that would have held it
                levels[slot] = bits;
                distances[slot] = Math.max(2 * distances[slot], Math.abs(error));
            } else {
                levels[slot] = prediction + LEVEL_WEIGHT * error;
                distances[slot] += DISTANCE_WEIGHT * (Math.abs(error) - distances[slot]);
            }
        }
    }

    /**
     * The banded pass on 256-bit vectors of 8 lanes. There is no compress in JDK 17's Vector API,
     * so the lanes to keep are packed to the front by a shuffle looked up from their 8-bit mask,
     * the whole vector is stored at the end of the output and the end moves on by the number
     * kept: no branch on each entry. The pass stores values and flat indices only; rows and
     * latents are split off the entries that survive. Loaded only when the module is present.
     */
    private static final class Simd {
        static final int LANES = 8;
        /** Largest batch whose flat indices are exact in floats, for the division by the width. */
        static final int MAX_SIZE = 1 << 24;
        /** Four vectors share one mask reduction. */
        private static final int GROUP = 4 * LANES;
        private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
        private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
        /** Row m: the lanes set in the mask m in increasing order, then zeros. */
        private static final int[] PACK = packTable();
        /** Lane weights: summed over the lanes of a mask, its bits, shifted by 8 · (vector of the group). */
        private static final int[] MASK_BITS = maskBits();
        /** 1.5 · 2^23: a float in [0, 2^22) plus this holds its nearest integer in the low mantissa bits. */
        private static final float ROUNDING = 12582912f;

        private Simd() {}

        /**
         * Only on request ({@code -Dsaelab.vectorTopK=true}) and where the other kernels also use
         * 256-bit vectors. With these int vectors next to the float kernels in one training step,
         * C2 (JDK 17) left vector operations as heap objects: JMH TrainingStepBenchmark measured
         * 95 KB allocated and 405 µs per step with this path, against 85 B and 299 µs without.
         * Without it, hinted calls run the histogram path, which gives the same selection.
         */
        static boolean usable() {
            return IntVector.SPECIES_PREFERRED.vectorBitSize() >= 256 && Kernels.lanes() == 8
                    && "true".equals(System.getProperty("saelab.vectorTopK"));
        }

        private static int[] packTable() {
            int[] table = new int[256 * LANES];
            for (int mask = 0; mask < 256; mask++) {
                int at = mask * LANES;
                for (int lane = 0; lane < LANES; lane++) {
                    if ((mask >>> lane & 1) != 0) {
                        table[at++] = lane;
                    }
                }
            }
            return table;
        }

        private static int[] maskBits() {
            int[] bits = new int[GROUP];
            for (int i = 0; i < GROUP; i++) {
                bits[i] = 1 << i;
            }
            return bits;
        }

        /**
         * Appends every entry of {@code pre[0, n)} whose float bits are {@code >= lo} to
         * {@code out}, its value and its flat index (in {@link SparseCode#latents}), then copies
         * the values in [lo, hi] among them into {@code scratch}. Returns (count above hi << 32)
         * | copied, or -1 when {@code out} may not have room.
         */
        static long gatherBand(float[] pre, int n, int lo, int hi, float[] scratch, SparseCode out) {
            int[] l = out.latents;
            float[] v = out.values;
            int start = out.count();
            int c = start;
            int last = l.length - GROUP;
            IntVector zero = IntVector.zero(INTS);
            IntVector bits0 = IntVector.fromArray(INTS, MASK_BITS, 0);
            IntVector bits1 = IntVector.fromArray(INTS, MASK_BITS, LANES);
            IntVector bits2 = IntVector.fromArray(INTS, MASK_BITS, 2 * LANES);
            IntVector bits3 = IntVector.fromArray(INTS, MASK_BITS, 3 * LANES);
            int e = 0;
            for (; e <= n - GROUP; e += GROUP) {
                IntVector x0 = FloatVector.fromArray(FLOATS, pre, e).viewAsIntegralLanes();
                IntVector x1 = FloatVector.fromArray(FLOATS, pre, e + LANES).viewAsIntegralLanes();
                IntVector x2 = FloatVector.fromArray(FLOATS, pre, e + 2 * LANES).viewAsIntegralLanes();
                IntVector x3 = FloatVector.fromArray(FLOATS, pre, e + 3 * LANES).viewAsIntegralLanes();
                int kept = zero.blend(bits0, x0.compare(VectorOperators.GE, lo))
                        .or(zero.blend(bits1, x1.compare(VectorOperators.GE, lo)))
                        .or(zero.blend(bits2, x2.compare(VectorOperators.GE, lo)))
                        .or(zero.blend(bits3, x3.compare(VectorOperators.GE, lo)))
                        .reduceLanes(VectorOperators.OR);
                if (kept != 0) {
                    if (c > last) {
                        return -1;
                    }
                    // the packing table's row holds the kept lanes, so plus e their flat indices;
                    // written out: a helper taking vectors would box them when not inlined
                    int mask = kept & 0xff;
                    IntVector lanes = IntVector.fromArray(INTS, PACK, mask * LANES);
                    x0.rearrange(lanes.toShuffle()).viewAsFloatingLanes().intoArray(v, c);
                    lanes.add(e).intoArray(l, c);
                    c += Integer.bitCount(mask);
                    mask = kept >>> 8 & 0xff;
                    lanes = IntVector.fromArray(INTS, PACK, mask * LANES);
                    x1.rearrange(lanes.toShuffle()).viewAsFloatingLanes().intoArray(v, c);
                    lanes.add(e + LANES).intoArray(l, c);
                    c += Integer.bitCount(mask);
                    mask = kept >>> 16 & 0xff;
                    lanes = IntVector.fromArray(INTS, PACK, mask * LANES);
                    x2.rearrange(lanes.toShuffle()).viewAsFloatingLanes().intoArray(v, c);
                    lanes.add(e + 2 * LANES).intoArray(l, c);
                    c += Integer.bitCount(mask);
                    mask = kept >>> 24;
                    lanes = IntVector.fromArray(INTS, PACK, mask * LANES);
                    x3.rearrange(lanes.toShuffle()).viewAsFloatingLanes().intoArray(v, c);
                    lanes.add(e + 3 * LANES).intoArray(l, c);
                    c += Integer.bitCount(mask);
                }
            }
            for (; e < n; e++) {
                float value = pre[e];
                if (Float.floatToRawIntBits(value) >= lo) {
                    if (c == l.length) {
                        return -1;
                    }
                    v[c] = value;
                    l[c] = e;
                    c++;
                }
            }
            out.setCount(c);
            int band = copyBand(v, start, c, hi, scratch);
            return (long) (c - start - band) << 32 | band;
        }

        /** Copies the values of {@code v[start, end)} whose float bits are {@code <= hi} into {@code scratch}. */
        private static int copyBand(float[] v, int start, int end, int hi, float[] scratch) {
            IntVector zero = IntVector.zero(INTS);
            IntVector bits0 = IntVector.fromArray(INTS, MASK_BITS, 0);
            int band = 0;
            int i = start;
            for (; i <= end - LANES; i += LANES) {
                IntVector x = FloatVector.fromArray(FLOATS, v, i).viewAsIntegralLanes();
                int inBand = zero.blend(bits0, x.compare(VectorOperators.LE, hi)).reduceLanes(VectorOperators.OR);
                VectorShuffle<Integer> order = IntVector.fromArray(INTS, PACK, inBand * LANES).toShuffle();
                x.rearrange(order).viewAsFloatingLanes().intoArray(scratch, band);
                band += Integer.bitCount(inBand);
            }
            for (; i < end; i++) {
                float value = v[i];
                if (Float.floatToRawIntBits(value) <= hi) {
                    scratch[band++] = value;
                }
            }
            return band;
        }

        /**
         * Keeps the entries of {@code out} from {@code start} on whose value is {@code >= cut},
         * splitting their flat indices into rows and latents. Stores at w <= i only overwrite
         * entries already read.
         */
        static void keepAtLeast(SparseCode out, int start, float cut, int width) {
            int[] r = out.rows;
            int[] l = out.latents;
            float[] v = out.values;
            int end = out.count();
            // for a positive cut, value >= cut is cut's bits <= the value's <= infinity's (NaNs are above)
            int cutBits = Float.floatToRawIntBits(cut);
            int infinityBits = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);
            IntVector zero = IntVector.zero(INTS);
            IntVector bits0 = IntVector.fromArray(INTS, MASK_BITS, 0);
            FloatVector inverseWidth = FloatVector.broadcast(FLOATS, 1f / width);
            FloatVector rounding = FloatVector.broadcast(FLOATS, ROUNDING);
            int roundingBits = Float.floatToRawIntBits(ROUNDING);
            int w = start;
            int i = start;
            for (; i <= end - LANES; i += LANES) {
                IntVector bits = FloatVector.fromArray(FLOATS, v, i).viewAsIntegralLanes();
                int kept = zero.blend(bits0, bits.compare(VectorOperators.GE, cutBits)
                        .and(bits.compare(VectorOperators.LE, infinityBits))).reduceLanes(VectorOperators.OR);
                VectorShuffle<Integer> order = IntVector.fromArray(INTS, PACK, kept * LANES).toShuffle();
                IntVector index = IntVector.fromArray(INTS, l, i).rearrange(order);
                bits.rearrange(order).viewAsFloatingLanes().intoArray(v, w);
                // index / width rounded in floats: off by at most one for indices below 2^24, then corrected
                FloatVector quotient = ((FloatVector) index.convert(VectorOperators.I2F, 0)).mul(inverseWidth);
                IntVector row = quotient.add(rounding).viewAsIntegralLanes().sub(roundingBits);
                IntVector latent = index.sub(row.mul(width));
                // -1 where latent < 0, +1 where latent >= width (sign bits), else 0
                IntVector fix = latent.lanewise(VectorOperators.ASHR, 31)
                        .sub(latent.sub(width).not().lanewise(VectorOperators.ASHR, 31));
                row.add(fix).intoArray(r, w);
                latent.sub(fix.mul(width)).intoArray(l, w);
                w += Integer.bitCount(kept);
            }
            for (; i < end; i++) {
                float value = v[i];
                int flat = l[i];
                r[w] = flat / width;
                l[w] = flat % width;
                v[w] = value;
                w += value >= cut ? 1 : 0;
            }
            out.setCount(w);
        }
    }
}
