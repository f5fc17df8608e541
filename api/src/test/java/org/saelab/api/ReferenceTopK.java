package org.saelab.api;

/**
 * The batch top-k selection as it was before the banded pass, copied verbatim from {@code TopK}:
 * the selection every faster path must reproduce entry for entry.
 */
final class ReferenceTopK {
    private ReferenceTopK() {}

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

    /**
     * Appends to {@code out} the {@code keep} largest positive entries of the row-major
     * [rows × width] array {@code pre}, in row-major order (BatchTopK over the whole batch).
     */
    public static void selectBatch(float[] pre, int rows, int width, long keep, float[] scratch, SparseCode out) {
        int n = rows * width;
        if (n >= HISTOGRAM_MIN_SIZE && keep > 0 && selectBatchByHistogram(pre, rows, width, keep, scratch, out)) {
            return;
        }
        float cut = cutoff(pre, 0, n, keep, scratch);
        appendWithTies(pre, rows, width, keep, cut, out);
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
     * appended. Returns false, having appended nothing, when the cut is not a positive value of
     * bucket 1 or above, or when values equal to the cut must be split (ties): the general path
     * then decides.
     */
    private static boolean selectBatchByHistogram(float[] pre, int rows, int width, long keep, float[] scratch,
            SparseCode out) {
        int n = rows * width;
        if (out.count() + keep >= out.capacity()) {
            return false;
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
            return false;
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
            return false;
        }
        out.appendAtLeast(pre, rows, width, cut);
        return true;
    }
}
