package tp2.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lock a training holds on its run folder ({@code .lock}, an operating-system file lock, so it
 * is released when the process ends, however it ends). A second training on the same folder is
 * refused, naming the first; without it, both would write {@code model.ckpt} and one result would
 * be lost while both said they had written it.
 *
 * <p>The file is deleted when the training ends (while still locked), so that a run that failed to
 * start leaves nothing behind. A process that opened the file just before that deletion may lock
 * the deleted file. So the holder writes a token of its own into the file it locked and reads the
 * folder's {@code .lock} back by its name: only when the token is there does it hold the folder's
 * lock; else it tries again. (Comparing the files' inode numbers was not enough: a new file can get
 * the number the deleted one had, and the name can change between opening and comparing; three
 * threads taking the lock 1,500 times each found two holders once.) Once the token is read back
 * the file stays: only its holder deletes it.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    /** Tries at taking a lock whose file was deleted under us (by the holder that just ended) before giving up. */
    private static final int ATTEMPTS = 10;

    /** Numbers the tokens of this process's locks, so that two threads' tokens differ. */
    private static final AtomicLong TOKENS = new AtomicLong();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    /** The folder is in use by another training. */
    static final class InUseException extends Exception {
        private static final long serialVersionUID = 1L;

        InUseException(String message) {
            super(message);
        }
    }

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code folder} (which must exist) for this process, or says who holds it. */
    static RunLock acquire(Path folder) throws IOException, InUseException {
        Path file = folder.resolve(FILE);
        for (int attempt = 1; ; attempt++) {
            RunLock lock = tryAcquire(file);
            if (lock != null) {
                return lock;
            }
            if (attempt == ATTEMPTS) {
                throw new IOException(file + ": deleted and created again by others " + ATTEMPTS + " times while locking it");
            }
        }
    }

    /** The lock, or null when the file locked was deleted meanwhile (try again). */
    private static RunLock tryAcquire(Path file) throws IOException, InUseException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {   // from here on the channel is closed on every way out but success
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;   // this JVM holds it already
            }
            if (lock == null) {
                ByteBuffer holder = ByteBuffer.allocate(200);
                channel.read(holder, 0);
                String who = new String(holder.array(), 0, holder.position(), StandardCharsets.UTF_8).trim();
                throw new InUseException("another training is running there (" + (who.isEmpty() ? "holder unknown" : who) + ")");
            }
            byte[] token = ("pid " + ProcessHandle.current().pid() + ", started " + LocalDateTime.now() + ", lock "
                    + TOKENS.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(token), 0);
            if (!Arrays.equals(token, contents(file))) {
                channel.close();   // the holder deleted it as it ended: lock the folder's current .lock instead
                return null;
            }
            return new RunLock(file, channel, lock);
        } catch (IOException | InUseException | RuntimeException | Error e) {
            try {
                channel.close();   // releases the lock too, when it was taken
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** What the file now at {@code file} holds (nothing when there is none). */
    private static byte[] contents(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new byte[0];
        }
    }

    /** Deletes the lock file, then releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            channel.close();   // releases the lock
        }
    }
}
