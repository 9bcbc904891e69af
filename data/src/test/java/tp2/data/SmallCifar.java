package tp2.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Small data sets in the real binary format, made by the tests: a few records per file. */
final class SmallCifar {
    static final int RECORDS = 4;
    static final List<String> NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private SmallCifar() {}

    /** The bytes of one batch file: record r has label (seed + r) % 10 and seeded random pixels. */
    static byte[] batch(int seed, int records) {
        Random random = new Random(seed);
        byte[] data = new byte[records * Cifar10.RECORD_BYTES];
        for (int r = 0; r < records; r++) {
            data[r * Cifar10.RECORD_BYTES] = (byte) ((seed + r) % 10);
            for (int c = 1; c < Cifar10.RECORD_BYTES; c++) {
                data[r * Cifar10.RECORD_BYTES + c] = (byte) random.nextInt(256);
            }
        }
        return data;
    }

    static String meta() {
        return String.join("\n", NAMES) + "\n\n";
    }

    /** Writes a complete, valid folder of RECORDS records per file. */
    static Path writeFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        int seed = 0;
        for (String file : allBatchFiles()) {
            Files.write(dir.resolve(file), batch(seed++, RECORDS));
        }
        Files.writeString(dir.resolve(Cifar10.META_FILE), meta(), StandardCharsets.UTF_8);
        return dir;
    }

    static List<String> allBatchFiles() {
        List<String> files = new ArrayList<>(Cifar10.TRAIN_FILES);
        files.add(Cifar10.TEST_FILE);
        return files;
    }

    /** One tar entry to write: a regular file, a directory, or a link. */
    static final class Entry {
        final String name;
        final byte[] data;
        final byte type;
        final String link;
        long declaredSize = -1;

        Entry(String name, byte[] data) {
            this(name, data, TarArchiveEntry.LF_NORMAL, null);
        }

        Entry(String name, byte[] data, byte type, String link) {
            this.name = name;
            this.data = data;
            this.type = type;
            this.link = link;
        }
    }

    /** The entries of a valid archive, in the official order. */
    static List<Entry> validEntries() {
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry(Cifar10.FOLDER + "/", null, TarArchiveEntry.LF_DIR, null));
        int seed = 0;
        for (String file : allBatchFiles()) {
            entries.add(new Entry(Cifar10.FOLDER + "/" + file, batch(seed++, RECORDS)));
        }
        entries.add(new Entry(Cifar10.FOLDER + "/" + Cifar10.META_FILE, meta().getBytes(StandardCharsets.UTF_8)));
        entries.add(new Entry(Cifar10.FOLDER + "/readme.html", "<html></html>".getBytes(StandardCharsets.UTF_8)));
        return entries;
    }

    static byte[] archive(List<Entry> entries) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream gz = new GzipCompressorOutputStream(bytes);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry entry = new TarArchiveEntry(e.name, e.type, true);
                if (e.link != null) {
                    entry.setLinkName(e.link);
                }
                if (e.data != null) {
                    entry.setSize(e.data.length);
                }
                tar.putArchiveEntry(entry);
                if (e.data != null) {
                    tar.write(e.data);
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * A well-formed gzip stream of a tar cut after {@code keep} bytes: the entry being written then
     * declares more bytes than the archive holds.
     */
    static byte[] archiveOfCutTar(List<Entry> entries, int keep) throws IOException {
        byte[] gz = archive(entries);
        byte[] tar;
        try (java.io.InputStream in = new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(
                new java.io.ByteArrayInputStream(gz))) {
            tar = in.readAllBytes();
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (OutputStream zip = new GzipCompressorOutputStream(out)) {
            zip.write(tar, 0, keep);
        }
        return out.toByteArray();
    }
}
