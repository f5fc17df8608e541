package org.saelab.runner.output;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a crash never leaves a half-written file under the final name: the
 * content goes to a hidden ".NAME.RANDOM.partial" file in the same directory (a rename is only
 * atomic within one file system), is forced to disk, and is then renamed over the target.
 */
public final class AtomicFiles {
    private static final int NAME_ATTEMPTS = 16;

    private AtomicFiles() {}

    public static void writeString(Path target, String content) {
        requireNonNull(content, "content is null");
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path target, byte[] content) {
        requireNonNull(target, "target is null");
        requireNonNull(content, "content is null");
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || absolute.getFileName() == null) {
            throw new IllegalArgumentException("Cannot write a file at " + target + ": it has no parent directory");
        }
        Path temporary = null;
        try {
            temporary = createTemporary(directory, absolute.getFileName().toString());
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // Without this the rename can reach the disk before the data, and a power cut
                // leaves an empty or truncated file under the final name.
                channel.force(true);
            }
            move(temporary, absolute);
            temporary = null;
            forceDirectory(directory);
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("Could not write " + target + ": " + e, e);
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException cleanup) {
                    failure.addSuppressed(cleanup);
                }
            }
            throw failure;
        }
    }

    /**
     * Files.createTempFile would give the file mode 0600, and the rename would carry that to the
     * target; opening with CREATE_NEW keeps the usual umask-derived permissions instead.
     */
    private static Path createTemporary(Path directory, String name) throws IOException {
        FileAlreadyExistsException last = null;
        for (int attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
            // A random part lets concurrent writers of the same target use different files.
            String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            Path candidate = directory.resolve("." + name + "." + random + ".partial");
            try {
                Files.newByteChannel(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return candidate;
            } catch (FileAlreadyExistsException e) {
                last = e;
            }
        }
        throw last;
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Some file systems (certain network mounts) refuse ATOMIC_MOVE. Within one directory
            // a plain move is still a rename, so the target is never half-written; what is lost is
            // only that old and new content are swapped in one step.
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Makes the rename itself durable. Only possible where a directory can be opened (not on
     * Windows); the file is complete either way, so failing here must not fail the write.
     */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort by design: see the method comment.
        }
    }
}
