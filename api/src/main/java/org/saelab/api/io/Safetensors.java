package org.saelab.api.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format, written and read by hand (no maintained Java library exists): an
 * unsigned 64-bit little-endian header length N, N bytes of JSON header padded with spaces to a
 * multiple of 8, then the tensors' bytes, little-endian and row-major, at offsets relative to
 * the end of the header. The reader rejects anything else: a header longer than the file or
 * than {@link #MAX_HEADER_BYTES}, gaps, overlaps, sizes that do not match dtype × shape, and
 * trailing bytes.
 */
public final class Safetensors {
    /** The format's own limit on the header (100 MB), which also bounds what a reader allocates. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(Map.entry("F64", 8), Map.entry("F32", 4),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I64", 8), Map.entry("I32", 4), Map.entry("I16", 2),
            Map.entry("I8", 1), Map.entry("U8", 1), Map.entry("BOOL", 1), Map.entry("U16", 2), Map.entry("U32", 4),
            Map.entry("U64", 8));

    private Safetensors() {}

    /** One tensor: dtype name, shape and its raw little-endian bytes. */
    public record Tensor(String dtype, long[] shape, byte[] bytes) {
        public static Tensor f32(float[] values, long... shape) {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            if (count != values.length) {
                throw new IllegalArgumentException("shape holds " + count + " values, got " + values.length);
            }
            ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(values);
            return new Tensor("F32", shape.clone(), buffer.array());
        }

        /** The values of an F32 tensor. */
        public float[] floats() {
            if (!"F32".equals(dtype)) {
                throw new IllegalStateException("tensor is " + dtype + ", not F32");
            }
            float[] out = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    /** A file's content: tensors in file order and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** The file's bytes for {@code tensors} (in the given order) and {@code metadata}. */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            if (entry.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("__metadata__ is not a tensor name");
            }
            Tensor tensor = entry.getValue();
            ObjectNode node = header.putObject(entry.getKey());
            node.put("dtype", tensor.dtype());
            var shape = node.putArray("shape");
            for (long d : tensor.shape()) {
                shape.add(d);
            }
            node.putArray("data_offsets").add(offset).add(offset + tensor.bytes().length);
            offset += tensor.bytes().length;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(8 + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Tensor tensor : tensors.values()) {
            out.put(tensor.bytes());
        }
        return out.array();
    }

    public static Contents read(Path file) {
        try {
            return decode(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where one tensor's bytes lie in a file: {@code [begin, end)} counted from the file's start. */
    public record Location(String dtype, long[] shape, long begin, long end) {}

    /**
     * Reads and checks only the header of {@code file}, with the same rules as {@link #read}, and
     * returns where each tensor lies, so large tensors can be streamed from disk.
     */
    public static Map<String, Location> index(Path file) {
        String name = file.toString();
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsException(name + ": truncated: " + size + " bytes, the header length alone needs 8");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new SafetensorsException(name + ": header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            if (headerLength > size - 8) {
                throw new SafetensorsException(name + ": truncated: header length " + headerLength + " but only "
                        + (size - 8) + " bytes follow");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            Layout layout = layout(new String(headerBytes.array(), StandardCharsets.UTF_8), size - 8 - headerLength, name);
            Map<String, Location> out = new LinkedHashMap<>();
            long start = 8 + headerLength;
            for (Entry e : layout.entries()) {
                out.put(e.name, new Location(e.dtype, e.shape, start + e.begin, start + e.end));
            }
            return out;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SafetensorsException(name + ": file not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void readFully(java.nio.channels.FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of file");
            }
        }
    }

    public static Contents decode(byte[] bytes, String name) {
        if (bytes.length < 8) {
            throw new SafetensorsException(name + ": truncated: " + bytes.length + " bytes, the header length alone needs 8");
        }
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsException(name + ": header length " + Long.toUnsignedString(headerLength)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (headerLength > bytes.length - 8L) {
            throw new SafetensorsException(name + ": truncated: header length " + headerLength + " but only "
                    + (bytes.length - 8) + " bytes follow");
        }
        long dataLength = bytes.length - 8L - headerLength;
        Layout layout = layout(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8), dataLength, name);
        List<Entry> entries = layout.entries();
        Map<String, String> metadata = layout.metadata();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int start = (int) (8 + headerLength);
        for (Entry e : entries) {
            byte[] data = new byte[(int) (e.end - e.begin)];
            System.arraycopy(bytes, start + (int) e.begin, data, 0, data.length);
            tensors.put(e.name, new Tensor(e.dtype, e.shape, data));
        }
        return new Contents(tensors, metadata);
    }

    private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

    private record Layout(List<Entry> entries, Map<String, String> metadata) {}

    /** Parses and checks a header against the {@code dataLength} bytes that follow it. */
    private static Layout layout(String json, long dataLength, String name) {
        JsonNode header;
        try {
            header = JSON.readTree(json);
        } catch (IOException e) {
            throw new SafetensorsException(name + ": header is not valid JSON: " + firstLine(e.getMessage()), e);
        }
        if (header == null || !header.isObject()) {
            throw new SafetensorsException(name + ": header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                readMetadata(field.getValue(), metadata, name);
            } else {
                entries.add(entry(field.getKey(), field.getValue(), name));
            }
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort((a, b) -> Long.compare(a.begin, b.begin));
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin != expected) {
                throw new SafetensorsException(name + ": tensor " + e.name + " starts at " + e.begin + " but the previous data ends at "
                        + expected + (e.begin > expected ? " (a gap)" : " (an overlap)"));
            }
            expected = e.end;
        }
        if (expected != dataLength) {
            throw new SafetensorsException(name + ": tensors cover " + expected + " bytes but the file holds " + dataLength
                    + (dataLength > expected ? " (trailing bytes)" : " (truncated)"));
        }
        return new Layout(entries, metadata);
    }


    private static Entry entry(String tensor, JsonNode node, String name) {
        String where = name + ": tensor " + tensor;
        if (!node.isObject()) {
            throw new SafetensorsException(where + ": expected an object with dtype, shape, data_offsets");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!List.of("dtype", "shape", "data_offsets").contains(field)) {
                throw new SafetensorsException(where + ": unknown field " + field);
            }
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual() || !DTYPE_BYTES.containsKey(dtypeNode.asText())) {
            throw new SafetensorsException(where + ": dtype = " + dtypeNode + ": unknown; known: "
                    + new java.util.TreeSet<>(DTYPE_BYTES.keySet()));
        }
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new SafetensorsException(where + ": shape = " + shapeNode + ": expected a list of sizes");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new SafetensorsException(where + ": shape = " + shapeNode + ": sizes must be integers >= 0");
            }
            shape[i] = d.asLong();
            try {
                count = Math.multiplyExact(count, shape[i]);
            } catch (ArithmeticException e) {
                throw new SafetensorsException(where + ": shape = " + shapeNode + ": too many elements");
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2 || !offsets.get(0).isIntegralNumber()
                || !offsets.get(1).isIntegralNumber() || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong()) {
            throw new SafetensorsException(where + ": data_offsets = " + offsets + ": expected [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new SafetensorsException(where + ": data_offsets = " + offsets + ": need 0 <= begin <= end");
        }
        long size;
        try {
            size = Math.multiplyExact(count, DTYPE_BYTES.get(dtypeNode.asText()));
        } catch (ArithmeticException e) {
            throw new SafetensorsException(where + ": shape = " + shapeNode + ": too many bytes");
        }
        if (end - begin != size) {
            throw new SafetensorsException(where + ": data_offsets = " + offsets + " span " + (end - begin) + " bytes but "
                    + dtypeNode.asText() + " " + shapeNode + " needs " + size);
        }
        return new Entry(tensor, dtypeNode.asText(), shape, begin, end);
    }

    private static void readMetadata(JsonNode node, Map<String, String> metadata, String name) {
        if (!node.isObject()) {
            throw new SafetensorsException(name + ": __metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw new SafetensorsException(name + ": __metadata__." + field.getKey() + " = " + field.getValue()
                        + ": values must be strings");
            }
            metadata.put(field.getKey(), field.getValue().asText());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
