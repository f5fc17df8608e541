package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link SparseCode#appendAtLeast} against a plain loop: widths below, at and above 64, ties, NaN, −0. */
class SparseCodeTest {
    @Test
    void appendAtLeastKeepsExactlyTheEntriesAtOrAboveTheCutInRowMajorOrder() {
        SplittableRandom random = new SplittableRandom(5);
        for (int width : new int[] {1, 7, 20, 63, 64, 65, 130}) {
            for (int rows : new int[] {1, 3, 17}) {
                float[] dense = new float[rows * width];
                for (int e = 0; e < dense.length; e++) {
                    int kind = random.nextInt(12);
                    dense[e] = kind == 0 ? 0.5f : kind == 1 ? Float.NaN : kind == 2 ? -0f : (float) random.nextGaussian();
                }
                float cut = 0.5f;
                SparseCode expected = new SparseCode(rows * width + 3);
                expected.add(9, 9, 9f);
                for (int b = 0; b < rows; b++) {
                    for (int j = 0; j < width; j++) {
                        if (dense[b * width + j] >= cut) {
                            expected.add(b, j, dense[b * width + j]);
                        }
                    }
                }
                SparseCode actual = new SparseCode(rows * width + 3);
                actual.add(9, 9, 9f);
                actual.appendAtLeast(dense, rows, width, cut);
                String what = "width " + width + " rows " + rows;
                assertEquals(expected.count(), actual.count(), what);
                for (int e = 0; e < expected.count(); e++) {
                    assertEquals(expected.rows[e], actual.rows[e], what + " row of entry " + e);
                    assertEquals(expected.latents[e], actual.latents[e], what + " latent of entry " + e);
                    assertEquals(expected.values[e], actual.values[e], what + " value of entry " + e);
                }
            }
        }
    }
}
