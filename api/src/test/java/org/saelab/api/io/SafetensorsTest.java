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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Safetensors.Tensor> sample() {
        float[] wEnc = new float[3 * 4];
        float[] bDec = new float[3];
        for (int i = 0; i < wEnc.length; i++) {
            wEnc[i] = (float) Math.sin(i) * 1e3f;
        }
        bDec[1] = -0.0f;
        bDec[2] = Float.MIN_VALUE;
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("W_enc", Safetensors.Tensor.f32(wEnc, 3, 4));
        tensors.put("b_dec", Safetensors.Tensor.f32(bDec, 3));
        return tensors;
    }

    private static byte[] valid() {
        return Safetensors.encode(sample(), Map.of("format", "pt"));
    }

    @Test
    void roundTripIsExact() throws IOException {
        Path file = dir.resolve("sae_weights.safetensors");
        Files.write(file, Safetensors.encode(sample(), Map.of("format", "pt")));
        Safetensors.Contents back = Safetensors.read(file);
        assertEquals(Map.of("format", "pt"), back.metadata());
        for (Map.Entry<String, Safetensors.Tensor> e : sample().entrySet()) {
            Safetensors.Tensor read = back.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), read.shape());
            assertArrayEquals(e.getValue().bytes(), read.bytes());
            assertArrayEquals(e.getValue().floats(), read.floats());
        }
    }

    @Test
    void headerIsPaddedWithSpacesToEightBytes() {
        byte[] bytes = valid();
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"), header);
        assertEquals(header.stripTrailing().length() + (header.length() - header.stripTrailing().length()), header.length());
    }

    /** An independent reader: Python's standard library only (struct + json). */
    @Test
    void pythonStandardLibraryReadsIt() throws IOException, InterruptedException {
        Path file = dir.resolve("check.safetensors");
        Files.write(file, Safetensors.encode(sample(), Map.of("format", "pt")));
        String script = String.join("\n",
                "import json, struct, sys",
                "data = open(sys.argv[1], 'rb').read()",
                "n = struct.unpack('<Q', data[:8])[0]",
                "assert n % 8 == 0",
                "header = json.loads(data[8:8 + n].decode('utf-8'))",
                "body = data[8 + n:]",
                "print(header['__metadata__']['format'])",
                "for name in ('W_enc', 'b_dec'):",
                "    t = header[name]",
                "    b, e = t['data_offsets']",
                "    count = 1",
                "    for d in t['shape']: count *= d",
                "    values = struct.unpack('<%df' % count, body[b:e])",
                "    print(name, t['dtype'], t['shape'], b, e, ' '.join(repr(v) for v in values))",
                "assert max(t['data_offsets'][1] for k, t in header.items() if k != '__metadata__') == len(body)");
        Process process = new ProcessBuilder("python3", "-c", script, file.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        String[] lines = out.strip().split("\n");
        assertEquals("pt", lines[0]);
        float[] wEnc = sample().get("W_enc").floats();
        String[] wLine = lines[1].split(" ");
        assertEquals("W_enc F32 [3, 4] 0 48", String.join(" ", Arrays.copyOfRange(wLine, 0, 6)));
        for (int i = 0; i < wEnc.length; i++) {
            assertEquals(wEnc[i], Float.parseFloat(wLine[6 + i]), 0f, "value " + i);
        }
        assertTrue(lines[2].startsWith("b_dec F32 [3] 48 60 0.0 -0.0 1.401298464324817e-45"), lines[2]);
    }

    @Test
    void indexGivesEachTensorsBytesInTheFile() throws IOException {
        Path file = dir.resolve("indexed.safetensors");
        byte[] bytes = valid();
        Files.write(file, bytes);
        Map<String, Safetensors.Location> index = Safetensors.index(file);
        assertEquals(java.util.List.of("W_enc", "b_dec"), java.util.List.copyOf(index.keySet()));
        for (Map.Entry<String, Safetensors.Tensor> e : sample().entrySet()) {
            Safetensors.Location at = index.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), at.shape());
            assertArrayEquals(e.getValue().bytes(), Arrays.copyOfRange(bytes, (int) at.begin(), (int) at.end()));
        }
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
        SafetensorsException truncated = assertThrows(SafetensorsException.class, () -> Safetensors.index(file));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        SafetensorsException missing = assertThrows(SafetensorsException.class,
                () -> Safetensors.index(dir.resolve("absent.safetensors")));
        assertTrue(missing.getMessage().contains("absent.safetensors: file not found"), missing.getMessage());
    }

    private static byte[] withHeader(String json, int dataBytes) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header);
        return out.array();
    }

    @Test
    void malformedFilesAreRejectedWithTheReason() {
        byte[] ok = valid();
        assertMessage(Arrays.copyOf(ok, 5), "truncated");
        assertMessage(Arrays.copyOf(ok, ok.length - 1), "truncated");
        assertMessage(Arrays.copyOf(ok, ok.length + 4), "trailing bytes");
        byte[] huge = ok.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertMessage(huge, "header length 1099511627776 exceeds");
        byte[] longer = ok.clone();
        ByteBuffer.wrap(longer).order(ByteOrder.LITTLE_ENDIAN).putLong(0, ok.length);
        assertMessage(longer, "truncated: header length");
        assertMessage(withHeader("{not json", 0), "not valid JSON");
        assertMessage(withHeader("[1, 2]", 0), "not a JSON object");
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertMessage(withHeader("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
        assertMessage(withHeader("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20), "gap");
        assertMessage(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12");
        assertMessage(withHeader("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "dtype = \"Q7\"");
        assertMessage(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "sizes must be");
        assertMessage(withHeader("{\"__metadata__\":{\"x\":1}}", 0), "values must be strings");
        assertMessage(withHeader("{" + a + "," + a + "}", 8), "not valid JSON");
        assertMessage(withHeader("{" + a + "} x", 8), "not valid JSON");
    }

    private static void assertMessage(byte[] bytes, String expected) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> Safetensors.decode(bytes, "f"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Random mutations of a valid file either still parse or fail with a SafetensorsException. */
    @Test
    void tenThousandMutationsOnlyEverGiveTheFormatsOwnErrors() {
        byte[] ok = valid();
        SplittableRandom random = new SplittableRandom(42);
        int rejected = 0;
        for (int trial = 0; trial < 10_000; trial++) {
            byte[] mutated = mutate(ok, random);
            try {
                Safetensors.Contents contents = Safetensors.decode(mutated, "mutant " + trial);
                assertTrue(contents.tensors().size() <= 2 || mutated.length != ok.length);
            } catch (SafetensorsException e) {
                rejected++;
            }
        }
        assertTrue(rejected > 5000, "most mutations must be rejected, rejected " + rejected);
    }

    private static byte[] mutate(byte[] ok, SplittableRandom random) {
        byte[] bytes = ok.clone();
        switch (random.nextInt(5)) {
            case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            case 1 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
            case 2 -> {
                byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
                bytes = longer;
            }
            case 3 -> ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, random.nextLong());
            default -> {
                int header = (int) ByteBuffer.wrap(ok, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                int at = 8 + random.nextInt(header);
                bytes[at] = (byte) "{}[]\",:0123456789-e. ".charAt(random.nextInt(21));
            }
        }
        return bytes;
    }
}
