package tp2.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Small generated sets in the real format load exactly; damaged ones are rejected with one clear line. */
class Cifar10ReaderTest {
    private static final int R = SmallCifar.RECORDS;
    private static final long FILE = Cifar10.fileBytes(R);
    private final Cifar10Reader reader = new Cifar10Reader(R);

    @TempDir
    Path tmp;

    @Test
    void aGoodFolderRoundTripsPixelsAndLabels() throws Exception {
        Path dir = SmallCifar.writeFolder(tmp.resolve("set"));
        Cifar10 data = reader.read(dir);
        assertEquals(5 * R, data.train().count());
        assertEquals(R, data.test().count());
        assertEquals(SmallCifar.NAMES, data.classNames());
        int seed = 0;
        for (String file : SmallCifar.allBatchFiles()) {
            byte[] expected = SmallCifar.batch(seed, R);
            Images set = file.equals(Cifar10.TEST_FILE) ? data.test() : data.train();
            int first = file.equals(Cifar10.TEST_FILE) ? 0 : seed * R;
            for (int r = 0; r < R; r++) {
                assertEquals(expected[r * Cifar10.RECORD_BYTES], set.label(first + r), file + " label " + r);
                byte[] pixels = Arrays.copyOfRange(set.pixels(), (first + r) * Images.PIXELS, (first + r + 1) * Images.PIXELS);
                byte[] want = Arrays.copyOfRange(expected, r * Cifar10.RECORD_BYTES + 1, (r + 1) * Cifar10.RECORD_BYTES);
                assertTrue(Arrays.equals(want, pixels), file + " pixels of record " + r);
            }
            seed++;
        }
        // channel-planar layout: byte 1 of a record is the red value of pixel (0, 0), byte 1025 its green
        byte[] first = SmallCifar.batch(0, R);
        assertEquals(first[1] & 0xFF, data.train().pixel(0, 0));
        assertEquals(first[1 + 1024] & 0xFF, data.train().pixel(0, 1024));
    }

    @Test
    void aGoodArchiveReadsTheSameAsTheFolder() throws Exception {
        Cifar10 folder = reader.read(SmallCifar.writeFolder(tmp.resolve("set")));
        Path archive = tmp.resolve("cifar-10-binary.tar.gz");
        Files.write(archive, SmallCifar.archive(SmallCifar.validEntries()));
        Cifar10 packed = reader.read(archive);
        assertTrue(Arrays.equals(folder.train().pixels(), packed.train().pixels()));
        assertTrue(Arrays.equals(folder.train().labels(), packed.train().labels()));
        assertTrue(Arrays.equals(folder.test().pixels(), packed.test().pixels()));
        assertEquals(folder.classNames(), packed.classNames());
    }

    private String rejection(Path location) {
        DataException e = assertThrows(DataException.class, () -> reader.read(location));
        assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
        return e.getMessage();
    }

    private Path setWith(String file, byte[] content) throws IOException {
        Path dir = SmallCifar.writeFolder(tmp.resolve("set"));
        Files.write(dir.resolve(file), content);
        return dir;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 3072, 3073, 3074, -1})
    void truncatedFilesAreRejectedWithRecordAndSizes(long size) throws Exception {
        long keep = size < 0 ? FILE - 1 : size;
        byte[] full = SmallCifar.batch(2, R);
        Path dir = setWith("data_batch_3.bin", Arrays.copyOf(full, (int) keep));
        String message = rejection(dir);
        assertTrue(message.contains("data_batch_3.bin"), message);
        assertTrue(message.contains(String.format("expected %,d bytes", FILE)), message);
        assertTrue(message.contains(String.format("found %,d", keep)), message);
        assertTrue(message.contains("record"), message);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3073})
    void extraBytesAreRejected(int extra) throws Exception {
        byte[] full = SmallCifar.batch(5, R);
        Path dir = setWith("test_batch.bin", Arrays.copyOf(full, full.length + extra));
        String message = rejection(dir);
        assertTrue(message.contains("test_batch.bin") && message.contains(String.format("%,d extra bytes", extra)), message);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 255})
    void aBadLabelNamesFileRecordAndValue(int label) throws Exception {
        byte[] data = SmallCifar.batch(1, R);
        data[2 * Cifar10.RECORD_BYTES] = (byte) label;
        String message = rejection(setWith("data_batch_2.bin", data));
        assertTrue(message.contains("data_batch_2.bin: record 2 (byte 6,146) has label " + label + ", expected 0-9"), message);
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        Path dir = SmallCifar.writeFolder(tmp.resolve("set"));
        Files.delete(dir.resolve("data_batch_5.bin"));
        String message = rejection(dir);
        assertTrue(message.endsWith("data_batch_5.bin: missing"), message);
    }

    @Test
    void aFolderInPlaceOfAFileIsNamed() throws Exception {
        Path dir = SmallCifar.writeFolder(tmp.resolve("set"));
        Files.delete(dir.resolve("data_batch_1.bin"));
        Files.createDirectory(dir.resolve("data_batch_1.bin"));
        assertTrue(rejection(dir).endsWith("data_batch_1.bin: is a folder, expected a file"));
    }

    @Test
    void aMissingFolderIsNamed() {
        assertTrue(rejection(tmp.resolve("nowhere")).contains("nowhere: no such folder or file"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "airplane\nautomobile\n", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n"})
    void classNamesMustBeTen(String meta) throws Exception {
        Path dir = setWith(Cifar10.META_FILE, meta.getBytes(StandardCharsets.UTF_8));
        String message = rejection(dir);
        assertTrue(message.contains("batches.meta.txt: expected 10 class names"), message);
    }

    @Test
    void damagedArchivesAreRejected() throws Exception {
        byte[] good = SmallCifar.archive(SmallCifar.validEntries());
        Path cut = tmp.resolve("cut.tar.gz");
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        assertTrue(rejection(cut).contains("damaged archive"));

        Path short_ = tmp.resolve("short.tar.gz");
        Files.write(short_, SmallCifar.archiveOfCutTar(SmallCifar.validEntries(), 512 + 6000));
        assertTrue(rejection(short_).contains(short_.toString()));

        var entries = SmallCifar.validEntries();
        entries.removeIf(e -> e.name.endsWith("test_batch.bin"));
        Path missing = tmp.resolve("missing.tar.gz");
        Files.write(missing, SmallCifar.archive(entries));
        assertTrue(rejection(missing).endsWith("missing cifar-10-batches-bin/test_batch.bin"));
    }

    @Test
    void classCountsCountEachLabel() throws Exception {
        Cifar10 data = reader.read(SmallCifar.writeFolder(tmp.resolve("set")));
        assertEquals(R, Cifar10Reader.classCounts(data.test()).values().stream().mapToInt(Integer::intValue).sum());
    }

    /** A FIFO would block a reader forever: every input must be a regular file, named when it is not. */
    @Test
    void aFifoInPlaceOfAFileIsNamedNotWaitedFor() throws Exception {
        Path dir = SmallCifar.writeFolder(tmp.resolve("set"));
        for (String file : new String[] {"data_batch_3.bin", Cifar10.META_FILE}) {
            Path set = SmallCifar.writeFolder(tmp.resolve("set-" + file));
            Files.delete(set.resolve(file));
            Process mkfifo = new ProcessBuilder("mkfifo", set.resolve(file).toString()).start();
            org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");
            assertTrue(rejection(set).endsWith(file + ": not a regular file (a FIFO, socket or device), expected a file"),
                    rejection(set));
        }
        Path fifoArchive = tmp.resolve("cifar-10-binary.tar.gz");
        new ProcessBuilder("mkfifo", fifoArchive.toString()).start().waitFor();
        assertTrue(rejection(fifoArchive).contains("not a regular file"), rejection(fifoArchive));
        assertTrue(dir.toFile().exists());
    }

    @Test
    void aHugeClassNameFileIsRefusedBeforeItIsRead() throws Exception {
        Path dir = SmallCifar.writeFolder(tmp.resolve("set"));
        try (var out = Files.newOutputStream(dir.resolve(Cifar10.META_FILE))) {
            out.write(new byte[Cifar10Reader.MAX_META_BYTES + 1]);
        }
        assertTrue(rejection(dir).contains("65,537 bytes, more than a list of class names can be"), rejection(dir));
    }

    @Test
    void aClassNameFileThatIsNotUtf8IsNamedWithTheByte() throws Exception {
        Path dir = SmallCifar.writeFolder(tmp.resolve("set"));
        byte[] meta = SmallCifar.meta().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        meta[12] = (byte) 0xFF;
        Files.write(dir.resolve(Cifar10.META_FILE), meta);
        assertTrue(rejection(dir).endsWith(Cifar10.META_FILE + ": not UTF-8 text at byte 12 (0xff)"), rejection(dir));
    }

    /** Class names reach the terminal: an escape sequence in one is shown, not obeyed. */
    @Test
    void controlCharactersInClassNamesAreEscaped() throws Exception {
        Path dir = SmallCifar.writeFolder(tmp.resolve("set"));
        Files.writeString(dir.resolve(Cifar10.META_FILE), SmallCifar.meta().replace("bird", "bi\u001b[2Jrd"));
        Cifar10 data = reader.read(dir);
        assertEquals("bi\\u001b[2Jrd", data.classNames().get(2));
        assertTrue(data.classNames().stream().allMatch(n -> n.chars().noneMatch(Character::isISOControl)));
    }
}
