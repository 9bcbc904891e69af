package tp2.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads CIFAR-10 in the official binary layout from an extracted folder or straight from the
 * official {@code .tar.gz}, validating everything before anything is returned: each batch file is
 * exactly {@code recordsPerFile x 3073} bytes, every label is 0-9, and there are ten class names.
 * A violation throws {@link DataException} with one line naming the file, the record and what was
 * expected versus found; nothing partial is ever returned.
 */
public final class Cifar10Reader {
    /** The most a class-name file may hold: ten short names take a few hundred bytes. */
    static final int MAX_META_BYTES = 1 << 16;

    private final int recordsPerFile;

    /** A reader for the official files: 10,000 records each. */
    public Cifar10Reader() {
        this(Cifar10.RECORDS_PER_FILE);
    }

    /** A reader for files of {@code recordsPerFile} records each (tests use a few). */
    public Cifar10Reader(int recordsPerFile) {
        if (recordsPerFile < 1) {
            throw new IllegalArgumentException("recordsPerFile must be at least 1, got " + recordsPerFile);
        }
        this.recordsPerFile = recordsPerFile;
    }

    /** Reads a folder of batch files, or a {@code .tar.gz} archive that holds one. */
    public Cifar10 read(Path location) throws DataException {
        if (Files.isDirectory(location)) {
            return readFolder(location);
        }
        if (!Files.exists(location)) {
            throw new DataException(location + ": no such folder or file");
        }
        String name = location.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
            checkRegularFile(location);
            return readArchive(location);
        }
        throw new DataException(location + ": not a folder of CIFAR-10 batches nor a .tar.gz archive");
    }

    private Cifar10 readFolder(Path dir) throws DataException {
        Target target = new Target();
        ByteBuffer buffer = ByteBuffer.allocate((int) Cifar10.fileBytes(recordsPerFile));
        for (String file : Cifar10.TRAIN_FILES) {
            readFile(dir.resolve(file), buffer);
            target.accept(file, dir.resolve(file).toString(), buffer.array(), buffer.limit());
        }
        readFile(dir.resolve(Cifar10.TEST_FILE), buffer);
        target.accept(Cifar10.TEST_FILE, dir.resolve(Cifar10.TEST_FILE).toString(), buffer.array(), buffer.limit());
        Path meta = dir.resolve(Cifar10.META_FILE);
        checkRegularFile(meta);
        try {
            long size = Files.size(meta);
            if (size > MAX_META_BYTES) {
                throw new DataException(String.format(Locale.ROOT, "%s: %,d bytes, more than a list of class names can be "
                        + "(at most %,d)", meta, size, MAX_META_BYTES));
            }
            target.meta = decodeMeta(Files.readAllBytes(meta), meta.toString());
        } catch (IOException e) {
            throw new DataException(meta + ": cannot read: " + describe(e));
        }
        return target.finish(dir.toString(), meta.toString());
    }

    private void readFile(Path file, ByteBuffer buffer) throws DataException {
        checkRegularFile(file);
        long expected = Cifar10.fileBytes(recordsPerFile);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != expected) {
                throw new DataException(file + ": " + sizeProblem(size));
            }
            buffer.clear();
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new DataException(file + ": " + sizeProblem(buffer.position()) + " (it shrank while being read)");
                }
            }
            buffer.flip();
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + describe(e));
        }
    }

    private static void checkRegularFile(Path file) throws DataException {
        try {
            SafeFiles.requireRegularFile(file, "a file");
        } catch (IOException e) {
            throw new DataException(e.getMessage());
        }
    }

    /** The class-name file as text: strict UTF-8 (a bad byte is named), control characters escaped. */
    static String decodeMeta(byte[] bytes, String where) throws DataException {
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        java.nio.charset.CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new DataException(String.format(Locale.ROOT, "%s: not UTF-8 text at byte %,d (0x%02x)", where,
                    in.position(), bytes[in.position()] & 0xFF));
        }
        out.flip();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            boolean control = Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t';
            text.append(control ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return text.toString();
    }

    private Cifar10 readArchive(Path archive) throws DataException {
        Target target = new Target();
        long expected = Cifar10.fileBytes(recordsPerFile);
        byte[] buffer = new byte[(int) expected];
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                     new java.io.BufferedInputStream(file, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = ArchivePaths.memberName(entry.getName());
                if (name == null || !entry.isFile()) {
                    continue;
                }
                String where = archive + "!" + entry.getName();
                if (name.equals(Cifar10.META_FILE)) {
                    if (entry.getSize() > MAX_META_BYTES) {
                        throw new DataException(String.format(Locale.ROOT, "%s: declares %,d bytes, more than a list of "
                                + "class names can be (at most %,d)", where, entry.getSize(), MAX_META_BYTES));
                    }
                    target.meta = decodeMeta(tar.readNBytes(MAX_META_BYTES), where);
                    target.seen.add(name);
                } else if (Cifar10.TRAIN_FILES.contains(name) || name.equals(Cifar10.TEST_FILE)) {
                    if (entry.getSize() != expected) {
                        throw new DataException(where + ": " + sizeProblem(entry.getSize()));
                    }
                    int read = tar.readNBytes(buffer, 0, buffer.length);
                    if (read != expected) {
                        throw new DataException(where + ": the archive ends inside this file ("
                                + sizeProblem(read) + ")");
                    }
                    target.accept(name, where, buffer, read);
                }
            }
        } catch (DataException e) {
            throw e;
        } catch (IOException e) {
            throw new DataException(archive + ": damaged archive: " + describe(e));
        }
        for (String name : allFiles()) {
            if (!target.seen.contains(name)) {
                throw new DataException(archive + ": missing " + Cifar10.FOLDER + "/" + name);
            }
        }
        return target.finish(archive.toString(), archive + "!" + Cifar10.FOLDER + "/" + Cifar10.META_FILE);
    }

    private static List<String> allFiles() {
        List<String> names = new ArrayList<>(Cifar10.TRAIN_FILES);
        names.add(Cifar10.TEST_FILE);
        names.add(Cifar10.META_FILE);
        return names;
    }

    /** What is wrong with a batch file of {@code size} bytes, or of an entry that held that many. */
    private String sizeProblem(long size) {
        long expected = Cifar10.fileBytes(recordsPerFile);
        String want = String.format(Locale.ROOT, "expected %,d bytes (%,d records of %,d bytes), found %,d",
                expected, recordsPerFile, Cifar10.RECORD_BYTES, size);
        if (size < expected) {
            long whole = size / Cifar10.RECORD_BYTES;
            long partial = size % Cifar10.RECORD_BYTES;
            return want + (partial == 0
                    ? String.format(Locale.ROOT, ": records %,d to %,d are missing", whole, recordsPerFile - 1)
                    : String.format(Locale.ROOT, ": record %,d is cut after %,d of %,d bytes", whole, partial,
                            Cifar10.RECORD_BYTES));
        }
        return want + String.format(Locale.ROOT, ": %,d extra bytes after the last record (%,d)", size - expected,
                recordsPerFile - 1);
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file " + e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof EOFException) {
            return "unexpected end of data" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.replace('\n', ' ');
    }

    /** Collects validated files into the two sets, in file order whatever order they arrive in. */
    private final class Target {
        final byte[] trainPixels = new byte[Cifar10.TRAIN_FILES.size() * recordsPerFile * Images.PIXELS];
        final byte[] trainLabels = new byte[Cifar10.TRAIN_FILES.size() * recordsPerFile];
        final byte[] testPixels = new byte[recordsPerFile * Images.PIXELS];
        final byte[] testLabels = new byte[recordsPerFile];
        final java.util.Set<String> seen = new java.util.HashSet<>();
        String meta;

        void accept(String name, String where, byte[] data, int length) throws DataException {
            int index = Cifar10.TRAIN_FILES.indexOf(name);
            byte[] pixels = index >= 0 ? trainPixels : testPixels;
            byte[] labels = index >= 0 ? trainLabels : testLabels;
            int first = index >= 0 ? index * recordsPerFile : 0;
            for (int r = 0; r < recordsPerFile; r++) {
                int offset = r * Cifar10.RECORD_BYTES;
                int label = data[offset] & 0xFF;
                if (label >= Cifar10.CLASSES) {
                    throw new DataException(String.format(Locale.ROOT,
                            "%s: record %,d (byte %,d) has label %d, expected 0-9", where, r, offset, label));
                }
                labels[first + r] = (byte) label;
                System.arraycopy(data, offset + 1, pixels, (first + r) * Images.PIXELS, Images.PIXELS);
            }
            seen.add(name);
        }

        Cifar10 finish(String source, String metaWhere) throws DataException {
            List<String> names = new ArrayList<>();
            for (String line : meta.split("\\R")) {
                if (!line.isBlank()) {
                    names.add(line.trim());
                }
            }
            if (names.size() != Cifar10.CLASSES) {
                throw new DataException(String.format(Locale.ROOT, "%s: expected %d class names, one a line, found %d",
                        metaWhere, Cifar10.CLASSES, names.size()));
            }
            return new Cifar10(new Images(trainPixels, trainLabels), new Images(testPixels, testLabels), names, source);
        }
    }

    /** Per-class counts of a set's labels, for reports and tests. */
    public static Map<Integer, Integer> classCounts(Images images) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int i = 0; i < images.count(); i++) {
            counts.merge(images.label(i), 1, Integer::sum);
        }
        return counts;
    }
}
