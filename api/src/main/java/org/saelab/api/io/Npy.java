package org.saelab.api.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NumPy's .npy format for float32 arrays, written and read by hand so that large files can be
 * streamed: the magic {@code \x93NUMPY}, a version byte pair (1.0 with a 16-bit header length,
 * 2.0 and 3.0 with a 32-bit one), a Python dict literal {@code {'descr': '<f4', 'fortran_order':
 * False, 'shape': (N, D), }} padded with spaces and ended by a newline so that the data start at a
 * multiple of 64 bytes, then the values, little-endian, row-major. The reader accepts exactly
 * that (float32, C order) and names what is wrong with anything else.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    /** Bounds what a reader allocates for a header; NumPy's own limit is far lower. */
    public static final int MAX_HEADER_BYTES = 1 << 20;

    private Npy() {}

    /** A checked header: the shape of the float32 array and where its values start. */
    public record Header(long[] shape, long dataOffset) {
        public long count() {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            return count;
        }

        public int rank() {
            return shape.length;
        }

        public String shapeText() {
            return tuple(shape);
        }
    }

    /** The header bytes of a float32 C-ordered array of {@code shape}, version 1.0, 64-aligned. */
    public static byte[] header(long... shape) {
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative size in shape " + tuple(shape));
            }
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple(shape) + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int total = (unpadded + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        int headerLength = total - MAGIC.length - 4;
        if (headerLength > 0xFFFF) {
            throw new IllegalArgumentException("shape " + tuple(shape) + " gives a header too long for npy 1.0");
        }
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength);
        out.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (out.position() < total - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    /** The whole file's bytes for {@code values} of {@code shape}. */
    public static byte[] encode(float[] values, long... shape) {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (count != values.length) {
            throw new IllegalArgumentException("shape " + tuple(shape) + " holds " + count + " values, got " + values.length);
        }
        byte[] header = header(shape);
        ByteBuffer out = ByteBuffer.allocate(Math.addExact(header.length, Math.multiplyExact(values.length, 4)))
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(header);
        out.asFloatBuffer().put(values);
        return out.array();
    }

    /** Reads and checks the header of {@code file} against the file's size. */
    public static Header header(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            return header(channel, file.toString());
        } catch (NoSuchFileException e) {
            throw new NpyException(file + ": file not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads and checks the header at the start of {@code channel}; {@code name} is used in errors. */
    public static Header header(FileChannel channel, String name) throws IOException {
        return header(channel.size(), (buffer, position) -> readFully(channel, buffer, position), name);
    }

    /** The header of a file held in memory (tests, and files already read). */
    public static Header header(byte[] bytes, String name) {
        try {
            return header(bytes.length, (buffer, position) -> buffer.put(bytes, (int) position, buffer.remaining()), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Source {
        void readFully(ByteBuffer buffer, long position) throws IOException;
    }

    private static Header header(long size, Source source, String name) throws IOException {
        if (size < MAGIC.length + 4) {
            throw new NpyException(name + ": truncated: " + size + " bytes, an npy header needs at least 10");
        }
        ByteBuffer start = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        start.limit((int) Math.min(12, size));
        source.readFully(start, 0);
        byte[] first = start.array();
        if (!Arrays.equals(Arrays.copyOf(first, MAGIC.length), MAGIC)) {
            throw new NpyException(name + ": not an npy file (the first bytes are not \\x93NUMPY)");
        }
        int major = first[6] & 0xFF;
        int minor = first[7] & 0xFF;
        long headerLength;
        int prefix;
        if (major == 1 && minor == 0) {
            headerLength = start.getShort(8) & 0xFFFF;
            prefix = 10;
        } else if ((major == 2 || major == 3) && minor == 0) {
            if (size < 12) {
                throw new NpyException(name + ": truncated: " + size + " bytes, an npy " + major + ".0 header needs 12");
            }
            headerLength = start.getInt(8) & 0xFFFFFFFFL;
            prefix = 12;
        } else {
            throw new NpyException(name + ": npy version " + major + "." + minor + ": unknown; known: 1.0, 2.0, 3.0");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new NpyException(name + ": header length " + headerLength + " exceeds the limit of " + MAX_HEADER_BYTES);
        }
        if (prefix + headerLength > size) {
            throw new NpyException(name + ": truncated: header length " + headerLength + " but only " + (size - prefix)
                    + " bytes follow");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        source.readFully(headerBytes, prefix);
        String text = new String(headerBytes.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        long[] shape = parseHeader(text, name);
        long dataOffset = prefix + headerLength;
        long count = 1;
        for (long d : shape) {
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new NpyException(name + ": shape " + tuple(shape) + ": too many elements");
            }
        }
        long needed;
        try {
            needed = Math.multiplyExact(count, 4);
        } catch (ArithmeticException e) {
            throw new NpyException(name + ": shape " + tuple(shape) + ": too many bytes");
        }
        long held = size - dataOffset;
        if (held != needed) {
            throw new NpyException(name + ": shape " + tuple(shape) + " needs " + needed + " bytes of float32 but the file holds "
                    + held + (held < needed ? " (truncated)" : " (trailing bytes)"));
        }
        return new Header(shape, dataOffset);
    }

    /** Reads a whole float32 array (for small arrays such as true directions). */
    public static float[] readFloats(Path file, Header header) {
        long count = header.count();
        if (count > Integer.MAX_VALUE - 8) {
            throw new NpyException(file + ": shape " + header.shapeText() + " is too large to read at once");
        }
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer bytes = ByteBuffer.allocate((int) count * 4).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, bytes, header.dataOffset());
            bytes.flip();
            float[] out = new float[(int) count];
            bytes.asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new EOFException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    static String tuple(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            out.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return out.append(')').toString();
    }

    /**
     * Parses the header's dict literal: exactly the keys descr, fortran_order and shape, each
     * once; strings in single or double quotes, True/False, a tuple of non-negative integers.
     */
    static long[] parseHeader(String text, String name) {
        if (!text.endsWith("\n")) {
            throw new NpyException(name + ": bad header: it must end with a newline");
        }
        Parser parser = new Parser(text, name);
        Map<String, Object> dict = parser.dict();
        parser.skipSpaces();
        if (!parser.atEnd()) {
            throw parser.error("unexpected text after the dict");
        }
        for (String key : dict.keySet()) {
            if (!List.of("descr", "fortran_order", "shape").contains(key)) {
                throw new NpyException(name + ": bad header: unknown key '" + key + "'; known: descr, fortran_order, shape");
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new NpyException(name + ": bad header: key '" + key + "' is missing");
            }
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw new NpyException(name + ": bad header: descr = " + descr + ": expected a dtype string such as '<f4'");
        }
        if (!d.equals("<f4")) {
            throw new NpyException(name + ": dtype '" + d + "'" + dtypeHint(d)
                    + ": only little-endian float32 ('<f4') is supported; convert with x.astype('<f4')");
        }
        Object fortran = dict.get("fortran_order");
        if (!(fortran instanceof Boolean f)) {
            throw new NpyException(name + ": bad header: fortran_order = " + fortran + ": expected True or False");
        }
        if (f) {
            throw new NpyException(name + ": fortran_order is True: only C (row-major) order is supported; "
                    + "save np.ascontiguousarray(x)");
        }
        Object shape = dict.get("shape");
        if (!(shape instanceof long[] s)) {
            throw new NpyException(name + ": bad header: shape = " + shape + ": expected a tuple of sizes");
        }
        return s;
    }

    private static String dtypeHint(String descr) {
        return switch (descr) {
            case "<f8" -> " (float64)";
            case ">f4" -> " (big-endian float32)";
            case "<f2" -> " (float16)";
            default -> "";
        };
    }

    private static final class Parser {
        private final String text;
        private final String name;
        private int at;

        Parser(String text, String name) {
            this.text = text;
            this.name = name;
        }

        NpyException error(String what) {
            return new NpyException(name + ": bad header at character " + at + ": " + what);
        }

        void skipSpaces() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        boolean atEnd() {
            return at >= text.length();
        }

        boolean accept(char c) {
            skipSpaces();
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!accept(c)) {
                throw error("expected '" + c + "'");
            }
        }

        Map<String, Object> dict() {
            expect('{');
            Map<String, Object> out = new LinkedHashMap<>();
            while (!accept('}')) {
                String key = string();
                expect(':');
                Object value = value();
                if (out.put(key, value) != null) {
                    throw error("key '" + key + "' appears twice");
                }
                if (!accept(',')) {
                    expect('}');
                    break;
                }
            }
            return out;
        }

        Object value() {
            skipSpaces();
            if (atEnd()) {
                throw error("expected a value");
            }
            char c = text.charAt(at);
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (text.startsWith("True", at)) {
                at += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", at)) {
                at += 5;
                return Boolean.FALSE;
            }
            throw error("expected a string, True, False or a tuple");
        }

        String string() {
            skipSpaces();
            if (atEnd() || (text.charAt(at) != '\'' && text.charAt(at) != '"')) {
                throw error("expected a quoted string");
            }
            char quote = text.charAt(at++);
            int end = text.indexOf(quote, at);
            if (end < 0) {
                throw error("unterminated string");
            }
            String out = text.substring(at, end);
            if (out.indexOf('\\') >= 0 || out.indexOf('\n') >= 0) {
                throw error("escapes and newlines in strings are not supported");
            }
            at = end + 1;
            return out;
        }

        long[] tuple() {
            expect('(');
            List<Long> sizes = new ArrayList<>();
            while (!accept(')')) {
                sizes.add(integer());
                if (!accept(',')) {
                    expect(')');
                    break;
                }
            }
            long[] out = new long[sizes.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = sizes.get(i);
            }
            return out;
        }

        long integer() {
            skipSpaces();
            int start = at;
            while (at < text.length() && Character.isDigit(text.charAt(at)) && text.charAt(at) < 128) {
                at++;
            }
            if (start == at) {
                throw error("expected a non-negative integer size");
            }
            try {
                return Long.parseLong(text.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("size " + text.substring(start, at) + " is too large");
            }
        }
    }
}
