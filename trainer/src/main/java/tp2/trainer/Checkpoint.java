package tp2.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.CRC32;
import tp2.data.SafeFiles;

/**
 * {@code model.ckpt}: everything needed to continue or evaluate a run, little-endian throughout.
 * <pre>
 *   offset  size  field
 *   0       8     magic "TP2CKPT\0"
 *   8       4     version (1)
 *   12      4     k (inputs, 3072)      16  4  hidden (100)     20  4  classes (10)
 *   24      4     batch size            28  4  lr (float32)     32  4  reg (float32)
 *   36      8     seed                  44  4  shuffle (1) or file order (0)
 *   48      4     epochs completed      52  8  RNG state: the seed the next epoch's shuffle derives from
 *   60      4k    training-set pixel mean (float32 x k)
 *   ...     4(k+1)h  W1, row-major      4(h+1)c  W2, row-major
 *   end-4   4     CRC32 of every byte before it
 * </pre>
 * Saving writes a new file beside the target, forces it to disk, renames it over the target
 * atomically and forces the folder, so a crash at any point leaves the previous checkpoint or the
 * new one, never a mix.
 */
public final class Checkpoint {
    static final byte[] MAGIC = "TP2CKPT\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int HEADER_BYTES = 60;

    public final int k;
    public final int hidden;
    public final int classes;
    public final int batchSize;
    public final float lr;
    public final float reg;
    public final long seed;
    public final boolean shuffle;
    public final int epoch;
    public final long rngState;
    public final float[] mean;
    public final float[] w1;
    public final float[] w2;

    public Checkpoint(int k, int hidden, int classes, int batchSize, float lr, float reg, long seed, boolean shuffle,
                      int epoch, long rngState, float[] mean, float[] w1, float[] w2) {
        this.k = k;
        this.hidden = hidden;
        this.classes = classes;
        this.batchSize = batchSize;
        this.lr = lr;
        this.reg = reg;
        this.seed = seed;
        this.shuffle = shuffle;
        this.epoch = epoch;
        this.rngState = rngState;
        this.mean = mean;
        this.w1 = w1;
        this.w2 = w2;
    }

    static long sizeFor(int k, int hidden, int classes) {
        return HEADER_BYTES + 4L * k + 4L * (k + 1) * hidden + 4L * (hidden + 1) * classes + 4;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate((int) sizeFor(k, hidden, classes)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(k).putInt(hidden).putInt(classes)
                .putInt(batchSize).putFloat(lr).putFloat(reg).putLong(seed).putInt(shuffle ? 1 : 0)
                .putInt(epoch).putLong(rngState);
        for (float v : mean) {
            b.putFloat(v);
        }
        for (float v : w1) {
            b.putFloat(v);
        }
        for (float v : w2) {
            b.putFloat(v);
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Writes atomically: a new file beside it, fsync, rename over {@code file}, fsync of the folder. */
    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        SafeFiles.writeAtomically(file, encode(), true);
    }

    /** Fills {@code buffer} from the channel's position; a file that ends first is one line. */
    private static void readFully(FileChannel channel, ByteBuffer buffer, Path file) throws IOException, CheckpointException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new CheckpointException(file + ": the file got shorter while it was read");
            }
        }
    }

    /**
     * Reads and verifies a checkpoint; every problem is one line naming the file and the field. The
     * file must be a regular file of exactly the size its shapes need (checked before it is read),
     * with a matching CRC, header fields a command line would accept, and finite numbers throughout.
     */
    public static Checkpoint load(Path file) throws CheckpointException {
        byte[] bytes;
        byte[] header = new byte[HEADER_BYTES];
        long expected;
        try {
            SafeFiles.requireRegularFile(file, "a checkpoint");
            // one open file for the size, the header and the bytes: a save renames a new file over this
            // one while we read (training running beside an export), and an open file is one consistent copy
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size < HEADER_BYTES + 4) {
                    throw new CheckpointException(String.format(Locale.ROOT,
                            "%s: not a tp2 checkpoint: %,d bytes is shorter than the %d-byte header", file, size, HEADER_BYTES + 4));
                }
                readFully(channel, ByteBuffer.wrap(header), file);
                expected = expectedSize(file, ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN));
                if (size != expected) {
                    ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                    throw new CheckpointException(String.format(Locale.ROOT,
                            "%s: %,d bytes, but shapes %d-%d-%d need %,d (truncated or damaged)", file, size, h.getInt(12),
                            h.getInt(16), h.getInt(20), expected));
                }
                bytes = new byte[(int) expected];
                channel.position(0);
                readFully(channel, ByteBuffer.wrap(bytes), file);
            }
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new CheckpointException(message.startsWith(file.toString()) ? message : file + ": cannot read (" + message + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(12);
        int k = b.getInt(), hidden = b.getInt(), classes = b.getInt();
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (stored != (int) crc.getValue()) {
            throw new CheckpointException(String.format(Locale.ROOT,
                    "%s: CRC32 mismatch (stored %08x, computed %08x): the file is damaged", file, stored, (int) crc.getValue()));
        }
        int batchSize = b.getInt();
        float lr = b.getFloat(), reg = b.getFloat();
        long seed = b.getLong();
        int shuffle = b.getInt();
        int epoch = b.getInt();
        long rngState = b.getLong();
        String bad = batchSize < 1 ? "batch size " + batchSize + " (must be at least 1)"
                : !Float.isFinite(lr) || lr <= 0 ? "lr " + lr + " (must be a finite number above 0)"
                : !Float.isFinite(reg) || reg < 0 ? "reg " + reg + " (must be a finite number, 0 or more)"
                : shuffle != 0 && shuffle != 1 ? "shuffle flag " + shuffle + " (must be 0 or 1)"
                : epoch < 0 ? "epochs completed " + epoch + " (must be 0 or more)" : null;
        if (bad != null) {
            throw new CheckpointException(file + ": the header holds " + bad + ": not a checkpoint tp2 wrote");
        }
        float[] mean = new float[k];
        float[] w1 = new float[(k + 1) * hidden];
        float[] w2 = new float[(hidden + 1) * classes];
        b.asFloatBuffer().get(mean);
        b.position(b.position() + 4 * k);
        b.asFloatBuffer().get(w1);
        b.position(b.position() + 4 * w1.length);
        b.asFloatBuffer().get(w2);
        String nonFinite = firstNonFinite(mean, k, "the training mean")
                + firstNonFinite(w1, hidden, "W1") + firstNonFinite(w2, classes, "W2");
        if (!nonFinite.isEmpty()) {
            throw new CheckpointException(file + ": " + nonFinite.split(";")[0] + "; a checkpoint holds finite numbers only");
        }
        return new Checkpoint(k, hidden, classes, batchSize, lr, reg, seed, shuffle == 1, epoch, rngState, mean, w1, w2);
    }

    /** The size the header's magic, version and shapes call for; a wrong magic, version or shape is an error. */
    private static long expectedSize(Path file, ByteBuffer header) throws CheckpointException {
        byte[] magic = new byte[MAGIC.length];
        header.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new CheckpointException(file + ": not a tp2 checkpoint (wrong magic bytes)");
        }
        int version = header.getInt();
        if (version != VERSION) {
            throw new CheckpointException(file + ": checkpoint version " + version + ", this build reads version " + VERSION);
        }
        int k = header.getInt(), hidden = header.getInt(), classes = header.getInt();
        if (k < 1 || hidden < 1 || classes < 2 || k > 1 << 20 || hidden > TrainConfig.MAX_HIDDEN || classes > 1 << 16) {
            throw new CheckpointException(String.format(Locale.ROOT,
                    "%s: implausible shapes k=%d, hidden=%d, classes=%d", file, k, hidden, classes));
        }
        return sizeFor(k, hidden, classes);
    }

    /** "W1[r][c] is NaN;" for the first non-finite element, or "". */
    private static String firstNonFinite(float[] a, int cols, String name) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                return name + (name.startsWith("W") ? "[" + i / cols + "][" + i % cols + "]" : "[" + i + "]")
                        + " is " + a[i] + ";";
            }
        }
        return "";
    }

    /** A checkpoint that cannot be used; the message is one line. */
    public static final class CheckpointException extends Exception {
        private static final long serialVersionUID = 1L;

        public CheckpointException(String message) {
            super(message);
        }
    }
}
