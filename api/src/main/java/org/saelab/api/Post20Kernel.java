package org.saelab.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Batches of the post20 toy model in C (the native kernels' {@code k_post20}), for one stream:
 * the same values, bit for bit, as {@code org.saelab.samplers.post20.Post20Sampler}'s Java loops
 * draw from {@link SplitMix}. Per sample: the firing features (one 32-bit uniform each, feature 0
 * first, the thresholds {@code with} when feature 0 fires and {@code without} otherwise; features
 * 2i and 2i + 1 share a draw), one Gaussian g per firing feature, the magnitude (float) max(0,
 * mean + std·g) into the features row (the caller zeroes the rest), and x = Σ magnitude·E_i, the
 * rows four at a time with SimdRowSums' float operations.
 *
 * <p>Gaussians on {@link SplitMix}'s common path are drawn in C. About one in 64 is not; the
 * kernel then stops before it, and {@link #next} draws that one on this object's
 * {@link SplitMix}, the generator the kernel shares, and lets the kernel resume the sample.
 *
 * <p>The generator state, the sample in progress, the constants and the scratch arrays live in
 * one direct buffer that the C code reads by address, so a call pins only the batch's two
 * arrays. Only while {@link Kernels#nativeInUse()}. Not thread-safe: one per stream.
 */
public final class Post20Kernel {
    private static final int STATE = 0;
    private static final int COUNT = 8;
    private static final int INDEX = 12;
    private static final int HEADER = 80;

    private final ByteBuffer context;
    private final int gaussOffset;

    /**
     * @param directions E, {@code n × d} row-major
     * @param without the features' 32-bit thresholds when feature 0 does not fire (index 0 is
     *     feature 0's own)
     * @param with the thresholds when feature 0 fires
     */
    public Post20Kernel(int n, int d, float[] directions, long[] without, long[] with, double mean, double std) {
        if (!Kernels.nativeAvailable()) {
            throw new IllegalStateException("the native kernels are " + Kernels.nativeStatus());
        }
        if (n < 2 || d < 1 || directions.length != (long) n * d || without.length != n || with.length != n) {
            throw new IllegalArgumentException("post20 kernel: " + n + " features of " + d + " inputs, "
                    + directions.length + " direction entries, " + without.length + " and " + with.length
                    + " thresholds");
        }
        double[] widths = SplitMix.fastWidths();
        int stride = (d + 7) / 8 * 8;
        int offWithout = HEADER;
        int offWith = offWithout + 8 * n;
        int offWidths = offWith + 8 * n;
        gaussOffset = offWidths + 8 * widths.length;
        int offFiring = gaussOffset + 8 * n;
        int offMagnitudes = offFiring + 4 * (n + 8);
        int offRows = offMagnitudes + 4 * (n + 8);
        long end = offRows + 4L * n * stride;
        if (end > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("post20 kernel: " + n + " × " + d + " is too large");
        }
        context = ByteBuffer.allocateDirect((int) end).order(ByteOrder.nativeOrder());
        context.putLong(STATE, 0L).putInt(COUNT, 0).putInt(INDEX, -1)
                .putInt(16, n).putInt(20, d).putInt(24, stride).putInt(28, widths.length)
                .putDouble(32, mean).putDouble(40, std)
                .putInt(48, offWithout).putInt(52, offWith).putInt(56, offWidths).putInt(60, gaussOffset)
                .putInt(64, offFiring).putInt(68, offMagnitudes).putInt(72, offRows).putInt(76, (int) end);
        for (int i = 0; i < n; i++) {
            context.putLong(offWithout + 8 * i, without[i]);
            context.putLong(offWith + 8 * i, with[i]);
        }
        for (int i = 0; i < widths.length; i++) {
            context.putDouble(offWidths + 8 * i, widths[i]);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                context.putFloat(offRows + 4 * (i * stride + j), directions[i * d + j]);
            }
        }
    }

    /**
     * Fills samples [0, size) of {@code inputs} (size × d) and the firing entries of
     * {@code features} (size × n, zero elsewhere beforehand) from {@code random}'s state, and
     * leaves {@code random} where the Java loops would.
     */
    public void next(SplitMix random, int size, float[] inputs, float[] features) {
        int n = context.getInt(16);
        int d = context.getInt(20);
        if (size < 0 || inputs.length < (long) size * d || features.length < (long) size * n) {
            throw new IllegalArgumentException("post20 kernel: batch of " + size + " in arrays of " + inputs.length
                    + " inputs and " + features.length + " features");
        }
        final ByteBuffer c = context;
        c.putLong(STATE, random.state()).putInt(COUNT, 0).putInt(INDEX, -1);
        int sample = 0;
        while ((sample = samples0(c, sample, size, inputs, features)) < size) {
            if (sample < 0) {
                throw new IllegalStateException("post20 kernel: its context is inconsistent");
            }
            random.setState(c.getLong(STATE));
            c.putDouble(gaussOffset + 8 * c.getInt(INDEX), random.nextGaussian());
            c.putLong(STATE, random.state());
        }
        random.setState(c.getLong(STATE));
    }

    private static native int samples0(ByteBuffer context, int sample, int size, float[] inputs, float[] features);
}
