package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** SplitMix draws what {@code new SplittableRandom(seed)} draws, bit for bit. */
class SplitMixTest {
    private static final long[] SEEDS = {0L, 1L, -1L, 42L, Long.MIN_VALUE, 0x5DEECE66DL};

    @Test
    void theCommonPathCoversMostLayers() {
        // the JDK's ziggurat has 252 or so rectangular layers of 256; they must be read off it
        assertTrue(SplitMix.fastLayers() >= 240, "layers on the common path: " + SplitMix.fastLayers());
        double[] widths = SplitMix.fastWidths();
        assertEquals(SplitMix.fastLayers(), widths.length);
        for (int i = 0; i < widths.length; i++) {
            assertTrue(widths[i] > 0 && widths[i] < 1e-17, "layer " + i + " width " + widths[i]);
            if (i > 0) {
                assertTrue(widths[i] < widths[i - 1], "layers narrow upwards, at " + i);
            }
        }
    }

    @Test
    void gaussiansAndLongsAreSplittableRandomsBitForBit() {
        long rarePath = 0;
        for (long seed : SEEDS) {
            SplittableRandom expected = new SplittableRandom(seed);
            SplitMix actual = new SplitMix(seed);
            for (int i = 0; i < 400_000; i++) {
                // an irregular mix of the two draws, as the samplers make
                if ((i * 0x9E3779B9 >>> 29) < 3) {
                    assertEquals(expected.nextLong(), actual.nextLong(), "seed " + seed + ", draw " + i);
                } else {
                    long before = actual.state();
                    double want = expected.nextGaussian();
                    double got = actual.nextGaussian();
                    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got),
                            "seed " + seed + ", Gaussian " + i + ": " + got + " against " + want);
                    if (actual.state() - before != SplitMix.GAMMA) {
                        rarePath++;
                    }
                }
            }
        }
        // about one Gaussian in 64 takes the JDK's own path, which draws more than one value
        assertTrue(rarePath > 10_000, "Gaussians on the rare path: " + rarePath);
    }

    @Test
    void theStateCanBeHandedOver() {
        SplitMix a = new SplitMix(7L);
        for (int i = 0; i < 1000; i++) {
            a.nextGaussian();
        }
        SplitMix b = new SplitMix(0L);
        b.setState(a.state());
        for (int i = 0; i < 1000; i++) {
            assertEquals(Double.doubleToRawLongBits(a.nextGaussian()), Double.doubleToRawLongBits(b.nextGaussian()));
            assertEquals(a.nextLong(), b.nextLong());
        }
    }
}
