package tp2.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format version 1.0) holding a 2-D float32 little-endian C-order array:
 * the magic {@code \x93NUMPY}, version 1.0, a 2-byte header length, a Python-literal header
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (r, c), }} padded with spaces and a
 * newline so the data starts at a multiple of 64 bytes, then the data.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Writes a rows x cols float32 array to {@code file} atomically. */
    public static void write(Path file, float[] data, int rows, int cols) throws IOException {
        tp2.data.SafeFiles.writeAtomically(file, encode(data, rows, cols), false);   // a link at the target is replaced, not followed
    }

    /** The bytes of a .npy file holding a rows x cols float32 array. */
    public static byte[] encode(float[] data, int rows, int cols) {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(rows + " x " + cols + " does not hold " + data.length + " floats");
        }
        String dict = String.format(Locale.ROOT, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols);
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        b.asFloatBuffer().put(data);
        return b.array();
    }

    /** The header of a 2-D '<f4' C-order .npy file: its shape and where its data starts. */
    public record Header(int rows, int cols, int dataStart) {}

    /** Largest header read: NumPy's own headers are a few hundred bytes. */
    private static final int MAX_HEADER = 1 << 16;

    /**
     * Reads and checks the header of {@code file}: a regular file, a 2-D '<f4' C-order array, and
     * exactly as many data bytes as its shape needs. Reads no data, so a huge or endless file costs
     * nothing here.
     */
    public static Header header(Path file) throws IOException, NpyException {
        if (!Files.isRegularFile(file)) {
            throw new NpyException(file + (Files.isDirectory(file) ? ": a folder, not a .npy file"
                    : Files.exists(file) ? ": not a regular file" : ": no such file"));
        }
        long size = Files.size(file);
        byte[] bytes;
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(size, MAX_HEADER));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new NpyException(file + ": not a .npy file");
        }
        int major = bytes[6];
        long headerLength;
        long dataStart;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(b.getShort(8));
            dataStart = 10 + headerLength;
        } else if ((major == 2 || major == 3) && bytes.length >= 12) {
            headerLength = Integer.toUnsignedLong(b.getInt(8));
            dataStart = 12 + headerLength;
        } else {
            throw new NpyException(file + ": .npy format version " + major + " is not supported");
        }
        if (dataStart > bytes.length) {
            throw new NpyException(file + ": the header runs past " + (dataStart > size ? "the end of the file"
                    : MAX_HEADER + " bytes"));
        }
        String text = new String(bytes, (int) (dataStart - headerLength), (int) headerLength, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(text);
        Matcher order = ORDER.matcher(text);
        Matcher shape = SHAPE.matcher(text);
        if (!descr.find() || !order.find() || !shape.find()) {
            throw new NpyException(file + ": cannot parse the header " + text.trim().replaceAll("\\p{Cntrl}", "?"));
        }
        if (!descr.group(1).equals("<f4")) {
            throw new NpyException(file + ": dtype " + descr.group(1) + ", expected '<f4' (float32 little-endian)");
        }
        if (order.group(1).equals("True")) {
            throw new NpyException(file + ": Fortran order; save a C-order array (numpy.ascontiguousarray)");
        }
        String[] dims = shape.group(1).replace(" ", "").split(",");
        if (dims.length != 2 || !dims[0].matches("[0-9]{1,9}") || !dims[1].matches("[0-9]{1,9}")) {
            throw new NpyException(file + ": shape (" + shape.group(1).trim() + "), expected two dimensions");
        }
        int rows = Integer.parseInt(dims[0]), cols = Integer.parseInt(dims[1]);
        long needed = 4L * rows * cols;
        if (size - dataStart != needed) {
            throw new NpyException(String.format(Locale.ROOT, "%s: %,d data bytes, shape (%d, %d) needs %,d", file,
                    size - dataStart, rows, cols, needed));
        }
        return new Header(rows, cols, (int) dataStart);
    }

    /** Reads a 2-D '<f4' C-order array of exactly rows x cols; anything else is one clear line. */
    public static float[] read(Path file, int rows, int cols) throws IOException, NpyException {
        Header h = header(file);
        if (h.rows() != rows || h.cols() != cols) {
            throw new NpyException(file + ": shape (" + h.rows() + ", " + h.cols() + "), expected (" + rows + ", " + cols + ")");
        }
        float[] data = new float[rows * cols];
        try (var channel = java.nio.channels.FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
            channel.position(h.dataStart());
            while (b.hasRemaining() && channel.read(b) >= 0) {
                // until full: the header said the file holds exactly this much
            }
            if (b.hasRemaining()) {
                throw new NpyException(file + ": the file got shorter while it was read");
            }
            b.flip();
            b.asFloatBuffer().get(data);
        }
        return data;
    }

    /** A .npy file that cannot be used; the message is one line. */
    public static final class NpyException extends Exception {
        private static final long serialVersionUID = 1L;

        public NpyException(String message) {
            super(message);
        }
    }
}
