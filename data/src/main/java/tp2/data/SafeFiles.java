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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files as tp2 reads and writes them: an input must be a regular file (a FIFO would block forever,
 * a device never end), named in every error; an output is written to a new file beside its target
 * and renamed over it, so a crash leaves the old file or the new one, and a symbolic link at the
 * target is replaced, never written through. New files and folders get the permissions the umask
 * gives ({@code Files.createTempFile} would make them 0600 and 0700).
 */
public final class SafeFiles {
    /** Temporary files being written now: a SIGTERM or Ctrl-C deletes them instead of leaving them beside their targets. */
    private static final Set<Path> IN_FLIGHT = new HashSet<>();   // guarded by itself
    /** Set by the shutdown hook: no temporary file is created after it has run (it could not delete it). */
    private static boolean stopping;   // guarded by IN_FLIGHT

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                List<Path> left;
                synchronized (IN_FLIGHT) {
                    stopping = true;
                    left = new ArrayList<>(IN_FLIGHT);
                }
                for (Path p : left) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // the JVM is stopping: nothing else to try
                    }
                }
            }, "tp2-temporary-files"));
        } catch (IllegalStateException shuttingDown) {
            // first used by another shutdown hook (a fetch's cleanup): nothing can be in flight then
        }
    }

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

    /**
     * A new, empty file beside {@code target} with the umask's permissions, named after it and ending
     * in .tmp, registered for deletion if the JVM is stopped (unregister it with {@link #forget}).
     */
    private static Path newTemporaryBeside(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            synchronized (IN_FLIGHT) {
                if (stopping) {
                    throw new IOException(target + ": not written: the program is stopping");
                }
                try {
                    Files.createFile(tmp);
                    IN_FLIGHT.add(tmp);
                    return tmp;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    if (attempt > 100) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Deletes a temporary file (when still there) and unregisters it. */
    private static void forget(Path tmp) throws IOException {
        try {
            Files.deleteIfExists(tmp);
        } finally {
            synchronized (IN_FLIGHT) {
                IN_FLIGHT.remove(tmp);
            }
        }
    }

    /**
     * Writes {@code content} to {@code target} atomically: a new file beside it, forced to disk when
     * {@code sync}, renamed over the target (a link there is replaced, not followed), then the folder
     * forced. A failure leaves the target as it was and no temporary file behind.
     */
    public static void writeAtomically(Path target, byte[] content, boolean sync) throws IOException {
        writeAllAtomically(new Path[] {target}, new byte[][] {content}, sync);
    }

    /**
     * Writes several files, all or none: each is written to a new file beside its target first
     * (forced to disk when {@code sync}); only when every one is complete are they renamed over their
     * targets. A failure while writing (a full disk) leaves every target as it was and no temporary
     * file behind.
     */
    public static void writeAllAtomically(Path[] targets, byte[][] contents, boolean sync) throws IOException {
        Path[] tmps = new Path[targets.length];
        try {
            for (int f = 0; f < targets.length; f++) {
                tmps[f] = newTemporaryBeside(targets[f]);
                try (FileChannel channel = FileChannel.open(tmps[f], StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    java.nio.ByteBuffer data = java.nio.ByteBuffer.wrap(contents[f]);
                    while (data.hasRemaining()) {
                        channel.write(data);
                    }
                    if (sync) {
                        channel.force(true);
                    }
                } catch (IOException e) {
                    throw new IOException(targets[f] + ": cannot write (" + e.getMessage() + ")", e);
                }
            }
            for (int f = 0; f < targets.length; f++) {
                try {
                    Files.move(tmps[f], targets[f], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmps[f], targets[f], StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (sync) {
                for (Path target : targets) {
                    try (FileChannel folder = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
                        folder.force(true);
                    } catch (IOException ignored) {
                        // some file systems cannot sync a folder; the rename itself is still atomic
                    }
                }
            }
        } finally {
            for (Path tmp : tmps) {
                if (tmp != null) {
                    forget(tmp);
                }
            }
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
