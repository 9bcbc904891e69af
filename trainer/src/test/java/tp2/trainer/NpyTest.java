package tp2.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy files round-trip, and a file built by hand from NumPy's documented format reads back. */
class NpyTest {
    @TempDir
    Path tmp;

    @Test
    void roundTrip() throws Exception {
        float[] data = {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, 0f, -0f};
        Path file = tmp.resolve("a.npy");
        Npy.write(file, data, 2, 3);
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = Short.toUnsignedInt(ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
        assertEquals(0, (10 + headerLength) % 64, "data starts at a multiple of 64 bytes");
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertTrue(header.endsWith("\n"));
        assertArrayEquals(data, Npy.read(file, 2, 3));
    }

    /** What numpy.save(f, numpy.arange(6, dtype='<f4').reshape(2, 3)) writes: header padded to 128 bytes. */
    @Test
    void readsAFileInNumPysDocumentedFormat() throws Exception {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        String header = dict + " ".repeat(118 - dict.length() - 1) + "\n";   // 10 + 118 = 128
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer values = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (int v = 0; v < 6; v++) {
            values.putFloat(v);
        }
        out.write(values.array());
        Path file = tmp.resolve("numpy.npy");
        Files.write(file, out.toByteArray());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, Npy.read(file, 2, 3));
    }

    @Test
    void wrongShapesAndTypesAreNamed() throws Exception {
        Path file = tmp.resolve("a.npy");
        Npy.write(file, new float[6], 2, 3);
        Npy.NpyException e = assertThrows(Npy.NpyException.class, () -> Npy.read(file, 3, 2));
        assertTrue(e.getMessage().contains("shape (2, 3), expected (3, 2)"), e.getMessage());
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1).replace("'<f4'", "'<f8'");
        Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(Npy.NpyException.class, () -> Npy.read(file, 2, 3));
        assertTrue(e.getMessage().contains("dtype <f8"), e.getMessage());
        Files.writeString(file, "not numpy");
        assertThrows(Npy.NpyException.class, () -> Npy.read(file, 2, 3));
    }
}
