package tp2.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files as tp2 reads and writes them: an input must be a regular file (a FIFO would block forever,
 * a device never end), named in every error; an output is written to a new file beside its target
 * and renamed over it, so a crash leaves the old file or the new one, and a symbolic link at the
 * target is replaced, never written through. New files and folders get the permissions the umask
 * gives ({@code Files.createTempFile} would make them 0600 and 0700).
 */
public final class SafeFiles {
    private SafeFiles() {}

    /**
     * Checks that {@code file} is a regular, readable file; otherwise one line naming it and what
     * it is instead ({@code what} says what was expected, e.g. "a checkpoint").
     */
    public static void requireRegularFile(Path file, String what) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && Files.isDirectory(parent) && !Files.isExecutable(parent)) {
                throw new IOException(file + ": cannot be reached: the folder " + parent + " cannot be searched (permission denied)");
            }
            throw new IOException(file + ": missing");
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied (a folder on its path cannot be searched)");
        }
        if (attributes.isDirectory()) {
            throw new IOException(file + ": is a folder, expected " + what);
        }
        if (!attributes.isRegularFile()) {
            throw new IOException(file + ": not a regular file (a FIFO, socket or device), expected " + what);
        }
        if (!Files.isReadable(file)) {
            throw new IOException(file + ": not readable (permission denied)");
        }
    }

    /** A new, empty file beside {@code target} with the umask's permissions, named after it and ending in .tmp. */
    public static Path newTemporaryBeside(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Writes {@code content} to {@code target} atomically: a new file beside it, forced to disk when
     * {@code sync}, renamed over the target (a link there is replaced, not followed), then the folder
     * forced. A failure leaves the target as it was and no temporary file behind.
     */
    public static void writeAtomically(Path target, byte[] content, boolean sync) throws IOException {
        Path tmp = newTemporaryBeside(target);
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                java.nio.ByteBuffer data = java.nio.ByteBuffer.wrap(content);
                while (data.hasRemaining()) {
                    channel.write(data);
                }
                if (sync) {
                    channel.force(true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (sync) {
                try (FileChannel folder = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                    folder.force(true);
                } catch (IOException ignored) {
                    // some file systems cannot sync a folder; the rename itself is still atomic
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Deletes {@code path} and, when it is a folder, everything under it (deepest first; a symbolic
     * link is deleted, never followed). Nothing happens when it does not exist.
     */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
