package org.saelab.api;

import java.util.random.RandomGenerator;

/**
 * The generator of {@code new java.util.SplittableRandom(seed)}: the same {@link #nextLong()} and
 * {@link #nextGaussian()} values, bit for bit, in a form the samplers' hot loops (and the native
 * kernels) can run without a call per value.
 *
 * <p>{@code nextLong} is SplitMix64: the state advances by the golden-ratio gamma and is mixed
 * (Stafford's variant 13). {@code nextGaussian} is the JDK's modified ziggurat
 * ({@code RandomGenerator.nextGaussian}, which {@code SplittableRandom} inherits): one value
 * x·U, where U is the next long and x the width of the layer U's low byte picks, except when
 * that byte picks the tail or an overhang (about 1 draw in 64). Only then does this class call
 * the JDK's own method, on a view of this state, after stepping back one value so that it
 * draws the same U first. The layers' widths are read off the JDK when the class loads (by its
 * answer to a generator that returns one chosen value), and each one is checked on many values
 * of U; a layer that does not match is left to the JDK's method, so the values stay the JDK's
 * whatever its tables.
 *
 * <p>Not thread-safe, like {@code SplittableRandom}; only {@code nextLong} and
 * {@code nextGaussian} are provided.
 */
public final class SplitMix {
    /** SplittableRandom's gamma for a generator made from a seed. */
    public static final long GAMMA = 0x9e3779b97f4a7c15L;

    private static final int LAYERS = 256;
    /** Per value of U's low byte: the width x of the common path, or NaN where the JDK's method runs. */
    private static final double[] WIDTHS = layerWidths();
    /** The common path covers low bytes [0, FAST_LAYERS); the bytes above always go to the JDK. */
    private static final int FAST_LAYERS = fastPrefix(WIDTHS);

    private long state;
    private final RandomGenerator view = new RandomGenerator() {
        @Override
        public long nextLong() {
            return SplitMix.this.nextLong();
        }
    };

    /** The generator of {@code new SplittableRandom(seed)}. */
    public SplitMix(long seed) {
        this.state = seed;
    }

    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        return mix64(state += GAMMA);
    }

    public double nextGaussian() {
        long u = mix64(state += GAMMA);
        int layer = (int) u & (LAYERS - 1);
        if (layer < FAST_LAYERS) {
            return WIDTHS[layer] * u;
        }
        state -= GAMMA;
        return view.nextGaussian();
    }

    /** The state: the seed advanced once per value drawn. */
    public long state() {
        return state;
    }

    /** Sets the state, as a native kernel that drew values on this generator's behalf left it. */
    public void setState(long state) {
        this.state = state;
    }

    /**
     * The widths of the common path's layers, [0, {@link #fastLayers()}), for code that draws
     * Gaussians on its own as {@link #nextGaussian()} does: x·U for a low byte below
     * {@code fastLayers()}, this class's method otherwise. A copy.
     */
    public static double[] fastWidths() {
        return java.util.Arrays.copyOf(WIDTHS, FAST_LAYERS);
    }

    public static int fastLayers() {
        return FAST_LAYERS;
    }

    /**
     * A generator whose first value is a chosen one and whose later values (which the JDK's rare
     * path draws until it accepts one) come from a SplitMix of their own; it counts its draws.
     */
    private static final class Fixed implements RandomGenerator {
        private final long value;
        private long state = 0x3C6EF372FE94F82AL;
        private int draws;

        Fixed(long value) {
            this.value = value;
        }

        @Override
        public long nextLong() {
            return draws++ == 0 ? value : mix64(state += GAMMA);
        }
    }

    private static double[] layerWidths() {
        double[] widths = new double[LAYERS];
        for (int layer = 0; layer < LAYERS; layer++) {
            // U = 2^62 + layer converts to 2^62 exactly, so the answer x·U gives x exactly
            Fixed probe = new Fixed((1L << 62) + layer);
            double answer = probe.nextGaussian();
            widths[layer] = probe.draws == 1 ? answer / 0x1p62 : Double.NaN;
        }
        // check every layer's formula on values of U of every size and sign
        long z = 0x243F6A8885A308D3L;
        for (int i = 0; i < 64 * LAYERS; i++) {
            long u = mix64(z += GAMMA);
            int layer = (int) u & (LAYERS - 1);
            if (Double.isNaN(widths[layer])) {
                continue;
            }
            Fixed probe = new Fixed(u);
            double answer = probe.nextGaussian();
            if (probe.draws != 1 || Double.doubleToRawLongBits(answer) != Double.doubleToRawLongBits(widths[layer] * u)) {
                widths[layer] = Double.NaN;
            }
        }
        return widths;
    }

    private static int fastPrefix(double[] widths) {
        int n = 0;
        while (n < widths.length && !Double.isNaN(widths[n])) {
            n++;
        }
        // a layer past the prefix goes to the JDK's method even when it has a width
        for (int layer = n; layer < widths.length; layer++) {
            widths[layer] = Double.NaN;
        }
        return n;
    }
}
