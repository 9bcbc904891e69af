package tp2.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;

/**
 * The lock a training holds on its run folder ({@code .lock}, an operating-system file lock, so it
 * is released when the process ends, however it ends). A second training on the same folder is
 * refused, naming the first; without it, both would write {@code model.ckpt} and one result would
 * be lost while both said they had written it.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    /** The folder is in use by another training. */
    static final class InUseException extends Exception {
        private static final long serialVersionUID = 1L;

        InUseException(String message) {
            super(message);
        }
    }

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code folder} (which must exist) for this process, or says who holds it. */
    static RunLock acquire(Path folder) throws IOException, InUseException {
        Path file = folder.resolve(FILE);
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
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started " + LocalDateTime.now())
                    .getBytes(StandardCharsets.UTF_8)), 0);
            return new RunLock(channel, lock);
        } catch (IOException | InUseException | RuntimeException | Error e) {
            try {
                channel.close();   // releases the lock too, when it was taken
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
