package org.saelab.runner.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path directory;

    @Test
    void bytesRoundTrip() throws IOException {
        byte[] content = new byte[100_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Path target = directory.resolve("weights.bin");
        AtomicFiles.write(target, content);
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void stringIsWrittenAsUtf8() throws IOException {
        Path target = directory.resolve("result.json");
        AtomicFiles.writeString(target, "{\"cos\": \"−1…1\"}\n");
        assertArrayEquals("{\"cos\": \"−1…1\"}\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(target));
    }

    @Test
    void overwritesAnExistingFile() throws IOException {
        Path target = directory.resolve("result.json");
        Files.writeString(target, "old content that is longer than the new one");
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
    }

    @Test
    void leavesNoTemporaryFileBehind() throws IOException {
        AtomicFiles.writeString(directory.resolve("a.txt"), "a");
        AtomicFiles.writeString(directory.resolve("a.txt"), "b");
        AtomicFiles.write(directory.resolve("b.bin"), new byte[0]);
        assertEquals(List.of("a.txt", "b.bin"), listing(directory));
        assertEquals(0, Files.size(directory.resolve("b.bin")));
    }

    @Test
    void relativeTargetIsResolvedAgainstTheWorkingDirectory() throws IOException {
        // A bare file name has no parent; the temporary file must still go next to it.
        Path target = Path.of("atomic-files-test-" + ProcessHandle.current().pid() + ".txt");
        try {
            AtomicFiles.writeString(target, "here");
            assertEquals("here", Files.readString(target));
        } finally {
            Files.deleteIfExists(target);
        }
    }

    @Test
    void missingDirectoryFailsNamingTheTargetAndCreatesNothing() throws IOException {
        Path target = directory.resolve("missing").resolve("result.json");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertFalse(Files.exists(target.getParent()));
        assertEquals(List.of(), listing(directory));
    }

    @Test
    void failedRenameDeletesTheTemporaryFile() throws IOException {
        // A non-empty directory under the target name: the temporary file is written, the rename fails.
        Path target = directory.resolve("result.json");
        Files.createDirectories(target);
        Files.writeString(target.resolve("inside"), "keep");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertEquals(List.of("result.json"), listing(directory));
        assertEquals("keep", Files.readString(target.resolve("inside")));
    }

    private static List<String> listing(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
