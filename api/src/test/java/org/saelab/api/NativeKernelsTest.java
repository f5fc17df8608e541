package org.saelab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The native kernels load wherever the build makes them and the CPU runs them (so the tests that
 * compare them with the Java kernels do run there), the mode switches them on and off, and a
 * wrong argument throws instead of reaching outside an array. Their floats are compared with the
 * SIMD kernels' bit for bit in {@link ExactKernelsTest} and, over whole trainings, in the app's
 * KernelModesTest.
 */
class NativeKernelsTest {
    @AfterEach
    void restoreTheDefault() {
        Kernels.setMode(Kernels.Mode.AUTO);
    }

    /**
     * Linux on x86-64 with AVX2 and FMA, the SIMD kernels on 8-float vectors, and a build with the
     * library in it (the api module's native profile: where /usr/bin/gcc is, unless
     * -Dsaelab.native.skip=true; a failed compile fails the build).
     */
    private static boolean expectedHere() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!System.getProperty("os.name").startsWith("Linux") || !Files.isReadable(cpuinfo)
                || NativeKernels.class.getResource("native/linux-x86_64/libsaelab_kernels.so") == null
                || !Kernels.VECTORISED || Kernels.lanes() != 8 || System.getProperty("saelab.native") != null) {
            return false;
        }
        String flags = Files.readString(cpuinfo);
        return System.getProperty("os.arch").equals("amd64") && flags.contains(" avx2") && flags.contains(" fma");
    }

    @Test
    void theLibraryIsInUseWhereItCanBe() throws IOException {
        if (expectedHere()) {
            assertTrue(Kernels.nativeAvailable(), "native kernels: " + Kernels.nativeStatus());
            assertEquals("in use (AVX2 + FMA)", Kernels.nativeStatus());
            assertTrue(Kernels.nativeInUse(), "the default mode runs them");
            Kernels.setMode(Kernels.Mode.SIMD);
            assertFalse(Kernels.nativeInUse(), "simd keeps to Java");
            Kernels.setMode(Kernels.Mode.PLAIN);
            assertFalse(Kernels.nativeInUse(), "plain keeps to Java");
            Kernels.setMode(Kernels.Mode.NATIVE);
            assertTrue(Kernels.nativeInUse());
        } else {
            assertFalse(Kernels.nativeInUse(), "not in use where it cannot be: " + Kernels.nativeStatus());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Kernels.setMode(Kernels.Mode.NATIVE));
            assertTrue(e.getMessage().contains("-Dsaelab.kernels=native"), e.getMessage());
        }
    }

    @Test
    void wrongArgumentsThrowInsteadOfReadingOutsideArrays() throws IOException {
        if (!Kernels.nativeAvailable()) {
            assertFalse(expectedHere(), "native kernels expected here: " + Kernels.nativeStatus());
            return;
        }
        float[] w = new float[3 * 8];
        float[] out = new float[2 * 5];
        // a latent past w's rows
        IllegalArgumentException latent = assertThrows(IllegalArgumentException.class,
                () -> NativeKernels.decodeSortedRows(new int[] {0, 1}, new int[] {1, 3}, new float[] {1f, 1f}, 2, w, 8,
                        new float[8], 2, 5, out));
        assertTrue(latent.getMessage().contains("out of range"), latent.getMessage());
        // rows not ascending: entries left over
        assertThrows(IllegalArgumentException.class,
                () -> NativeKernels.decodeSortedRows(new int[] {1, 0}, new int[] {0, 0}, new float[] {1f, 1f}, 2, w, 8,
                        new float[8], 2, 5, out));
        // a source row past the source
        assertThrows(IllegalArgumentException.class,
                () -> NativeKernels.scatterByLatent(new int[] {0, 1}, 1, new int[] {2}, new float[] {1f}, out, 5, 10,
                        new float[8], 8));
        // a latent's entries past the entry arrays
        assertThrows(IllegalArgumentException.class,
                () -> NativeKernels.dotAndScatterByLatent(new int[] {0, 3}, 1, new int[] {0}, new float[] {1f}, out, 5,
                        10, new float[8], new float[8], 8, new float[1]));
        // short arrays
        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> NativeKernels.affineRows(new float[10], 2, 5, new float[8], 8, new float[8], new float[8], 3,
                        new float[6], new float[6]));
        assertTrue(lengths.getMessage().contains("affineRows"), lengths.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NativeKernels.scaledDifference(new float[4], new float[3], 4, 1f, new float[4]));
        // and a right call works
        float[] good = new float[2 * 5];
        NativeKernels.decodeSortedRows(new int[] {0, 1}, new int[] {1, 2}, new float[] {2f, 1f}, 2, ramp(24), 8,
                new float[8], 2, 5, good);
        assertEquals(2f * 8, good[0]);
        assertEquals(16f + 4, good[9]);
    }

    /**
     * The fused pass checks its code eight entries at a time: a violation anywhere (in a whole
     * block of eight or in the tail) gives -1, and a row whose latents are distinct but not
     * ascending still passes.
     */
    @Test
    void theFusedPassChecksItsCodeEverywhere() throws IOException {
        if (!Kernels.nativeAvailable()) {
            assertFalse(expectedHere(), "native kernels expected here: " + Kernels.nativeStatus());
            return;
        }
        int batch = 16;
        int width = 6;
        int[][] rowsLatents = ascendingCode(batch, width);
        int count = rowsLatents[0].length;
        assertTrue(count > 30, "entries: " + count);
        assertTrue(fusedPass(rowsLatents[0], rowsLatents[1], batch, width) >= 0, "a valid code");
        // every row's latents reversed: still distinct
        int[] reversed = rowsLatents[1].clone();
        for (int e = 0; e < count; ) {
            int end = e;
            while (end < count && rowsLatents[0][end] == rowsLatents[0][e]) {
                end++;
            }
            for (int x = e; x < end; x++) {
                reversed[x] = rowsLatents[1][end - 1 - (x - e)];
            }
            e = end;
        }
        assertTrue(fusedPass(rowsLatents[0], reversed, batch, width) >= 0, "distinct latents in descending order");
        for (int at : new int[] {1, 8, 13, count - 1}) {
            int[] rows = rowsLatents[0].clone();
            int[] latents = rowsLatents[1].clone();
            latents[at] = width;
            assertEquals(-1, fusedPass(rows, latents, batch, width), "latent past the width at " + at);
            latents[at] = -1;
            assertEquals(-1, fusedPass(rows, latents, batch, width), "negative latent at " + at);
            latents = rowsLatents[1].clone();
            rows[at] = rows[at - 1] - 1;
            assertEquals(-1, fusedPass(rows, latents, batch, width), "row below the one before at " + at);
            rows = rowsLatents[0].clone();
            rows[count - 1] = batch;
            assertEquals(-1, fusedPass(rows, latents, batch, width), "row past the batch");
            // a latent twice in its row (rows of at least two entries)
            rows = rowsLatents[0].clone();
            if (rows[at] == rows[at - 1]) {
                latents[at] = latents[at - 1];
                assertEquals(-1, fusedPass(rows, latents, batch, width), "a latent twice at " + at);
            }
        }
    }

    /** Rows 0..batch-1 with 0 to 4 entries each (latents ascending), row 0 with 1. */
    private static int[][] ascendingCode(int batch, int width) {
        java.util.List<int[]> entries = new java.util.ArrayList<>();
        for (int b = 0; b < batch; b++) {
            int n = b == 0 ? 1 : (b * 7) % 5;
            for (int x = 0; x < n; x++) {
                entries.add(new int[] {b, (b + x) % width});
            }
            // ascending latents within the row
            entries.subList(entries.size() - n, entries.size()).sort(java.util.Comparator.comparingInt(a -> a[1]));
        }
        int[] rows = new int[entries.size()];
        int[] latents = new int[entries.size()];
        for (int e = 0; e < rows.length; e++) {
            rows[e] = entries.get(e)[0];
            latents[e] = entries.get(e)[1];
        }
        return new int[][] {rows, latents};
    }

    /** The fused pass with the encoder part on a code of the given entries; its return value. */
    private static int fusedPass(int[] rows, int[] latents, int batch, int width) {
        int dim = 5;
        int padded = 8;
        SparseCode code = new SparseCode(rows.length);
        for (int e = 0; e < rows.length; e++) {
            code.add(rows[e], latents[e], 1f);
        }
        float[] norms = new float[width];
        java.util.Arrays.fill(norms, 1f);
        int wDec = 0;
        int bDec = width * dim;
        int wEnc = bDec + dim;
        float[] g = new float[wEnc + dim * width];
        return NativeKernels.mseRows(code, width, batch, width, norms, ramp(width * padded), padded, new float[padded],
                ramp(batch * dim), dim, 1f, new float[batch * dim], false, g, bDec, wDec, new float[batch * width],
                new float[width], true, new float[width * padded], new float[rows.length], true,
                ramp(batch * width), new float[width], wEnc, new float[width * padded], new float[rows.length],
                new int[rows.length], new double[2]);
    }

    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }
}
