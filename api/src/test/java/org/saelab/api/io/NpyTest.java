package org.saelab.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    private static float[] values(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.sin(i * 0.37) * (i % 7 == 0 ? 1e-30f : 3f);
        }
        out[1] = -0.0f;
        out[2] = Float.MIN_VALUE;
        return out;
    }

    @Test
    void roundTripIsExactAndDataStartAtAMultipleOf64() throws IOException {
        float[] v = values(3 * 5);
        Path file = dir.resolve("a.npy");
        Files.write(file, Npy.encode(v, 3, 5));
        Npy.Header header = Npy.header(file);
        assertArrayEquals(new long[] {3, 5}, header.shape());
        assertEquals(0, header.dataOffset() % 64);
        assertArrayEquals(v, Npy.readFloats(file, header));
        assertArrayEquals(new long[] {7}, readBack(Npy.encode(values(7), 7)).shape());
        assertArrayEquals(new long[] {0, 4}, readBack(Npy.encode(new float[0], 0, 4)).shape());
    }

    private Npy.Header readBack(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "r", ".npy");
        Files.write(file, bytes);
        return Npy.header(file);
    }

    /** An independent reader: Python's standard library only (struct + ast.literal_eval). */
    @Test
    void pythonStandardLibraryReadsIt() throws IOException, InterruptedException {
        float[] v = values(4 * 3);
        Path file = dir.resolve("check.npy");
        Files.write(file, Npy.encode(v, 4, 3));
        String script = String.join("\n",
                "import ast, struct, sys",
                "data = open(sys.argv[1], 'rb').read()",
                "assert data[:6] == b'\\x93NUMPY', data[:6]",
                "major, minor = data[6], data[7]",
                "n = struct.unpack('<H', data[8:10])[0]",
                "header = data[10:10 + n].decode('latin1')",
                "assert header.endswith('\\n')",
                "assert (10 + n) % 64 == 0",
                "d = ast.literal_eval(header)",
                "assert d['descr'] == '<f4' and d['fortran_order'] is False, d",
                "count = 1",
                "for s in d['shape']: count *= s",
                "body = data[10 + n:]",
                "assert len(body) == 4 * count",
                "values = struct.unpack('<%df' % count, body)",
                "print(major, minor, d['shape'])",
                "print(' '.join(repr(x) for x in values))");
        Process process = new ProcessBuilder("python3", "-c", script, file.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        String[] lines = out.strip().split("\n");
        assertEquals("1 0 (4, 3)", lines[0]);
        String[] printed = lines[1].split(" ");
        assertEquals(v.length, printed.length);
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToIntBits(v[i]), Float.floatToIntBits(Float.parseFloat(printed[i])), "value " + i);
        }
    }

    /** A file as NumPy would write it, with any header text, version 1.0, 64-aligned. */
    private static byte[] withHeader(String dict, int dataBytes) {
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        ByteBuffer out = ByteBuffer.allocate(total + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) (total - 10));
        out.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (out.position() < total - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    @Test
    void numpysOwnHeaderVariantsAreAccepted() throws IOException {
        assertArrayEquals(new long[] {2, 3}, readBack(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24)).shape());
        assertArrayEquals(new long[] {2, 3}, readBack(withHeader("{\"shape\":(2,3),\"fortran_order\":False,\"descr\":\"<f4\"}", 24)).shape());
        assertArrayEquals(new long[] {}, readBack(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': ()}", 4)).shape());
        byte[] v2 = Npy.encode(values(6), 2, 3);
        ByteBuffer b2 = ByteBuffer.allocate(v2.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        b2.put(v2, 0, 6).put((byte) 2).put((byte) 0).putInt(v2.length - 10 - 6 * 4 + 0);
        b2.put(v2, 10, v2.length - 10);
        assertArrayEquals(new long[] {2, 3}, readBack(b2.array()).shape());
    }

    @Test
    void malformedFilesAreRejectedWithTheReason() {
        byte[] ok = Npy.encode(values(6), 2, 3);
        assertMessage(Arrays.copyOf(ok, 7), "truncated: 7 bytes");
        assertMessage(Arrays.copyOf(ok, 40), "truncated: header length");
        assertMessage(Arrays.copyOf(ok, ok.length - 1), "needs 24 bytes of float32 but the file holds 23 (truncated)");
        assertMessage(Arrays.copyOf(ok, ok.length + 4), "(trailing bytes)");
        byte[] magic = ok.clone();
        magic[1] = 'X';
        assertMessage(magic, "not an npy file");
        byte[] version = ok.clone();
        version[6] = 4;
        assertMessage(version, "npy version 4.0: unknown");
        assertMessage(withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 48), "dtype '<f8' (float64)");
        assertMessage(withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", 24), "big-endian");
        assertMessage(withHeader("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", 24), "dtype '<i4'");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24), "fortran_order is True");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", 24), "shape (2, 4) needs 32");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", 24), "expected a non-negative integer");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': False}", 24), "key 'shape' is missing");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': True}", 24), "unknown key 'x'");
        assertMessage(withHeader("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", 24), "appears twice");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} x", 24), "unexpected text");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)}", 24), "expected a string, True");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", 24), "too large");
        assertMessage(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4)}", 24), "too many");
        byte[] noNewline = withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", 24);
        int end = 10 + (ByteBuffer.wrap(noNewline).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xFFFF) - 1;
        noNewline[end] = ' ';
        assertMessage(noNewline, "must end with a newline");
    }

    private void assertMessage(byte[] bytes, String expected) {
        NpyException e = assertThrows(NpyException.class, () -> readBack(bytes));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), "names the file: " + e.getMessage());
    }

    /** Random mutations of a valid file's header either still parse to a consistent header or fail with an NpyException. */
    @Test
    void tenThousandHeaderMutationsOnlyEverGiveTheFormatsOwnErrors() throws IOException {
        byte[] ok = Npy.encode(values(6), 2, 3);
        int headerEnd = (int) Npy.header(write(ok)).dataOffset();
        SplittableRandom random = new SplittableRandom(42);
        int rejected = 0;
        Path file = dir.resolve("mutant.npy");
        for (int trial = 0; trial < 10_000; trial++) {
            byte[] bytes = ok.clone();
            switch (random.nextInt(4)) {
                case 0 -> bytes[random.nextInt(headerEnd)] = (byte) random.nextInt(256);
                case 1 -> bytes[10 + random.nextInt(headerEnd - 10)] = (byte) "{}()'\",:0123456789-TrueFalse <f48>\n".charAt(
                        random.nextInt(35));
                case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 8));
                default -> ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) random.nextInt(1 << 16));
            }
            try {
                Npy.Header header = Npy.header(bytes, file.toString());
                assertEquals(bytes.length, header.dataOffset() + 4 * header.count(), "accepted header must fit the file");
            } catch (NpyException e) {
                rejected++;
                assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
            }
        }
        assertTrue(rejected > 5000, "most mutations must be rejected, rejected " + rejected);
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "w", ".npy");
        Files.write(file, bytes);
        return file;
    }
}
