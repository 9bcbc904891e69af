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

    public static void write(Path file, float[] data, int rows, int cols) throws IOException {
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
        Files.write(file, b.array());
    }

    /** Reads a 2-D '<f4' C-order array of exactly rows x cols; anything else is one clear line. */
    public static float[] read(Path file, int rows, int cols) throws IOException, NpyException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new NpyException(file + ": not a .npy file");
        }
        int major = bytes[6];
        int headerLength;
        int dataStart;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(b.getShort(8));
            dataStart = 10 + headerLength;
        } else if (major == 2 || major == 3) {
            headerLength = b.getInt(8);
            dataStart = 12 + headerLength;
        } else {
            throw new NpyException(file + ": .npy format version " + major + " is not supported");
        }
        if (dataStart > bytes.length) {
            throw new NpyException(file + ": header runs past the end of the file");
        }
        String header = new String(bytes, dataStart - headerLength, headerLength, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher order = ORDER.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!descr.find() || !order.find() || !shape.find()) {
            throw new NpyException(file + ": cannot parse the header " + header.trim());
        }
        if (!descr.group(1).equals("<f4")) {
            throw new NpyException(file + ": dtype " + descr.group(1) + ", expected '<f4' (float32 little-endian)");
        }
        if (order.group(1).equals("True")) {
            throw new NpyException(file + ": Fortran order; save a C-order array (numpy.ascontiguousarray)");
        }
        String[] dims = shape.group(1).replace(" ", "").split(",");
        String expected = "(" + rows + ", " + cols + ")";
        if (dims.length != 2 || !dims[0].equals(Integer.toString(rows)) || !dims[1].equals(Integer.toString(cols))) {
            throw new NpyException(file + ": shape (" + shape.group(1).trim() + "), expected " + expected);
        }
        long needed = 4L * rows * cols;
        if (bytes.length - dataStart != needed) {
            throw new NpyException(String.format(Locale.ROOT, "%s: %,d data bytes, shape %s needs %,d", file,
                    bytes.length - dataStart, expected, needed));
        }
        float[] data = new float[rows * cols];
        b.position(dataStart);
        b.asFloatBuffer().get(data);
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
