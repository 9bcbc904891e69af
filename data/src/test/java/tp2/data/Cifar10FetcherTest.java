package tp2.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fetching from a loopback HTTP server: good archives install, bad ones are removed and nothing escapes. */
class Cifar10FetcherTest {
    private HttpServer server;
    private final AtomicReference<byte[]> body = new AtomicReference<>();
    private final AtomicReference<Integer> declaredLength = new AtomicReference<>();

    @TempDir
    Path tmp;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/cifar-10-binary.tar.gz", exchange -> {
            byte[] data = body.get();
            Integer length = declaredLength.get();
            exchange.sendResponseHeaders(200, length != null ? length : data.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(data);
            } catch (IOException ignored) {
                // the client may hang up on a short body
            }
            exchange.close();
        });
        server.createContext("/endless", exchange -> {   // streams without end, no Content-Length
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[1 << 16];
            try (OutputStream out = exchange.getResponseBody()) {
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException ignored) {
                // the client hung up: what the test wants
            }
            exchange.close();
        });
        server.createContext("/slow", exchange -> {   // one byte every 300 ms
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 1000; i++) {
                    out.write(0);
                    out.flush();
                    Thread.sleep(300);
                }
            } catch (IOException | InterruptedException ignored) {
                // the client hung up
            }
            exchange.close();
        });
        server.createContext("/huge", exchange -> {   // announces 10 GB, then sends slowly until the client hangs up
            exchange.sendResponseHeaders(200, 10_000_000_000L);
            try (OutputStream out = exchange.getResponseBody()) {
                // closing at once could drop the headers still in the server's buffer: the client saw
                // "Unexpected end of file" instead of the announced size (one CI run in many)
                for (int i = 0; i < 100; i++) {
                    out.write(new byte[1024]);
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException ignored) {
                // the client hung up: what the test wants
            }
            exchange.close();
        });
        server.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cifar-10-binary.tar.gz");
    }

    private static String md5(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    private Cifar10Fetcher fetcherFor(byte[] archive) throws Exception {
        body.set(archive);
        return new Cifar10Fetcher(url(), md5(archive), archive.length, SmallCifar.RECORDS).timeouts(5_000, 5_000);
    }

    private Path target() {
        return tmp.resolve("home").resolve(Cifar10.FOLDER);
    }

    /** Everything under tmp, so a test can show that nothing was left or written anywhere. */
    private List<String> allFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(tmp)) {
            return walk.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString()).sorted()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void aGoodArchiveIsInstalledAndValid() throws Exception {
        byte[] archive = SmallCifar.archive(SmallCifar.validEntries());
        long[] progressed = {0};
        Path installed = fetcherFor(archive).fetch(target(), new Cifar10Fetcher.Progress() {
            @Override
            public void start(long totalBytes) {
                assertEquals(archive.length, totalBytes);
            }

            @Override
            public void advance(long bytes) {
                progressed[0] += bytes;
            }

            @Override
            public void finish() {}
        });
        assertEquals(archive.length, progressed[0]);
        Cifar10 data = new Cifar10Reader(SmallCifar.RECORDS).read(installed);
        assertEquals(5 * SmallCifar.RECORDS, data.train().count());
        // only the data set's files, no leftovers of the download or the staging folder
        List<String> files = allFiles();
        assertEquals(8, files.size(), files.toString());
        assertTrue(files.stream().allMatch(f -> f.startsWith("home/" + Cifar10.FOLDER + "/")), files.toString());
    }

    private String rejected(Cifar10Fetcher fetcher) throws IOException {
        DataException e = assertThrows(DataException.class, () -> fetcher.fetch(target(), Cifar10Fetcher.Progress.NONE));
        assertFalse(Files.exists(target()), "nothing installed after: " + e.getMessage());
        assertEquals(List.of(), allFiles(), "leftovers after: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aBadChecksumIsRejectedAndRemoved() throws Exception {
        byte[] archive = SmallCifar.archive(SmallCifar.validEntries());
        body.set(archive);
        String wrong = "0123456789abcdef0123456789abcdef";
        String message = rejected(new Cifar10Fetcher(url(), wrong, archive.length, SmallCifar.RECORDS));
        assertTrue(message.contains("MD5 " + md5(archive) + ", expected " + wrong), message);
    }

    @Test
    void aOneBitFlipIsCaughtByTheChecksum() throws Exception {
        byte[] archive = SmallCifar.archive(SmallCifar.validEntries());
        String good = md5(archive);
        archive[archive.length / 2] ^= 0x10;
        body.set(archive);
        assertTrue(rejected(new Cifar10Fetcher(url(), good, archive.length, SmallCifar.RECORDS)).contains("MD5"));
    }

    @Test
    void aTruncatedDownloadIsRejected() throws Exception {
        byte[] archive = SmallCifar.archive(SmallCifar.validEntries());
        Cifar10Fetcher fetcher = fetcherFor(archive);
        body.set(java.util.Arrays.copyOf(archive, archive.length - 100));
        declaredLength.set(archive.length);   // the server promises more than it sends
        String message = rejected(fetcher);
        assertTrue(message.startsWith("cannot download") || message.contains("expected " + String.format("%,d", archive.length)),
                message);
    }

    @Test
    void aWrongSizeIsRejected() throws Exception {
        byte[] archive = SmallCifar.archive(SmallCifar.validEntries());
        body.set(archive);
        String message = rejected(new Cifar10Fetcher(url(), md5(archive), archive.length + 1L, SmallCifar.RECORDS));
        assertTrue(message.contains(String.format("expected %,d bytes, received %,d", archive.length + 1L, archive.length)),
                message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "/abs/evil", "cifar-10-batches-bin/../../evil", "cifar-10-batches-bin/../x"})
    void entriesOutsideTheTargetRejectTheArchive(String name) throws Exception {
        List<SmallCifar.Entry> entries = SmallCifar.validEntries();
        entries.add(1, new SmallCifar.Entry(name, "evil".getBytes()));
        String message = rejected(fetcherFor(SmallCifar.archive(entries)));
        assertTrue(message.contains("'" + name + "'"), message);
        assertFalse(Files.exists(tmp.resolve("evil")));
        assertFalse(Files.exists(Path.of("/abs/evil")));
    }

    @Test
    void aSiblingPrefixFolderIsNeverWritten() throws Exception {
        List<SmallCifar.Entry> entries = SmallCifar.validEntries();
        entries.add(1, new SmallCifar.Entry(Cifar10.FOLDER + "-evil/data_batch_1.bin", "evil".getBytes()));
        fetcherFor(SmallCifar.archive(entries)).fetch(target(), Cifar10Fetcher.Progress.NONE);
        assertTrue(allFiles().stream().noneMatch(f -> f.contains("-evil")), allFiles().toString());
    }

    @ParameterizedTest
    @ValueSource(bytes = {TarArchiveEntry.LF_SYMLINK, TarArchiveEntry.LF_LINK})
    void linksRejectTheArchive(byte type) throws Exception {
        List<SmallCifar.Entry> entries = SmallCifar.validEntries();
        entries.add(1, new SmallCifar.Entry(Cifar10.FOLDER + "/data_batch_1.bin", null, type, "/etc/passwd"));
        String message = rejected(fetcherFor(SmallCifar.archive(entries)));
        assertTrue(message.contains("is a link to '/etc/passwd'"), message);
    }

    @Test
    void anEntryThatDeclaresMoreThanItHoldsIsRejected() throws Exception {
        byte[] archive = SmallCifar.archiveOfCutTar(SmallCifar.validEntries(), 512 + 512 + 5000);
        String message = rejected(fetcherFor(archive));
        assertTrue(message.startsWith("archive rejected"), message);
    }

    @Test
    void aTruncatedGzipStreamIsRejected() throws Exception {
        byte[] good = SmallCifar.archive(SmallCifar.validEntries());
        byte[] cut = java.util.Arrays.copyOf(good, good.length / 3);
        String message = rejected(fetcherFor(cut));
        assertTrue(message.startsWith("archive rejected: it is damaged"), message);
    }

    @Test
    void noServerGivesAClearMessageQuickly() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Cifar10Fetcher fetcher = new Cifar10Fetcher(URI.create("http://127.0.0.1:" + port + "/x.tar.gz"),
                "0123456789abcdef0123456789abcdef", -1, SmallCifar.RECORDS).timeouts(2_000, 2_000);
        String message = rejected(fetcher);
        assertTrue(message.contains("no network?"), message);
    }

    @Test
    void anHttpErrorIsReported() throws Exception {
        Cifar10Fetcher fetcher = new Cifar10Fetcher(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/missing"), "0123456789abcdef0123456789abcdef", -1, SmallCifar.RECORDS);
        assertTrue(rejected(fetcher).contains("HTTP 404"));
    }

    @Test
    void anExistingTargetIsNeverOverwritten() throws Exception {
        Files.createDirectories(target());
        Files.writeString(target().resolve("mine.txt"), "keep");
        byte[] archive = SmallCifar.archive(SmallCifar.validEntries());
        DataException e = assertThrows(DataException.class,
                () -> fetcherFor(archive).fetch(target(), Cifar10Fetcher.Progress.NONE));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("keep", Files.readString(target().resolve("mine.txt")));
    }

    @Test
    void aFileWhereAFolderShouldBeIsNamed() throws Exception {
        Files.writeString(tmp.resolve("home"), "a file, not a folder");
        byte[] archive = SmallCifar.archive(SmallCifar.validEntries());
        DataException e = assertThrows(DataException.class,
                () -> fetcherFor(archive).fetch(target(), Cifar10Fetcher.Progress.NONE));
        assertTrue(e.getMessage().startsWith(tmp.resolve("home") + ": is a file, not a folder"), e.getMessage());
        assertEquals("a file, not a folder", Files.readString(tmp.resolve("home")));
    }

    /** A disk that fills while the archive is extracted: a write failure naming the file, not a "damaged" archive. */
    @Test
    void aFullDiskIsNotADamagedArchive() throws Exception {
        String small = System.getenv("TP2_SMALL_FS");
        org.junit.jupiter.api.Assumptions.assumeTrue(small != null && !small.isBlank(),
                "TP2_SMALL_FS is not set: no small file system to fill");
        Path dir = Files.createTempDirectory(Path.of(small), "fetch");
        try {
            byte[] archive = SmallCifar.archive(SmallCifar.validEntries());
            Path room = dir.resolve("room");
            Files.write(room, new byte[(archive.length / 4096 + 2) * 4096]);   // the download fits, the extraction does not
            Path filler = dir.resolve("filler");
            try (java.io.OutputStream out = Files.newOutputStream(filler)) {
                byte[] block = new byte[4096];
                while (true) {
                    out.write(block);
                }
            } catch (IOException full) {
                // expected: No space left on device
            }
            Files.delete(room);
            Path target = dir.resolve("home").resolve(Cifar10.FOLDER);
            DataException e = assertThrows(DataException.class,
                    () -> fetcherFor(archive).fetch(target, Cifar10Fetcher.Progress.NONE));
            assertTrue(e.getMessage().startsWith("cannot write " + dir), e.getMessage());
            assertFalse(e.getMessage().contains("damaged"), e.getMessage());
            try (Stream<Path> left = Files.list(dir.resolve("home"))) {
                assertEquals(List.of(), left.toList(), "the download and the partial folder were removed");
            }
        } finally {
            tp2.data.SafeFiles.deleteTree(dir);
        }
    }

    private URI at(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void aServerThatStreamsWithoutEndIsCutAtTheLimit() throws Exception {
        Cifar10Fetcher fetcher = new Cifar10Fetcher(at("/endless"), "0123456789abcdef0123456789abcdef", -1, SmallCifar.RECORDS)
                .timeouts(5_000, 5_000).maxBytes(1 << 20);
        String message = rejected(fetcher);
        assertTrue(message.contains("sent more than the 1,048,576 bytes expected") && message.contains("--max-bytes"), message);
    }

    @Test
    void anAnnouncedSizeAboveTheArchivesIsRefusedBeforeDownloading() throws Exception {
        Cifar10Fetcher fetcher = new Cifar10Fetcher(at("/huge"), "0123456789abcdef0123456789abcdef", 1000, SmallCifar.RECORDS)
                .timeouts(5_000, 5_000);
        String message = rejected(fetcher);
        assertTrue(message.contains("announces 10,000,000,000 bytes"), message);
    }

    @Test
    void aServerThatDripsBytesMissesTheDeadline() throws Exception {
        Cifar10Fetcher fetcher = new Cifar10Fetcher(at("/slow"), "0123456789abcdef0123456789abcdef", -1, SmallCifar.RECORDS)
                .timeouts(5_000, 5_000).pace(1_500, 1);
        long start = System.nanoTime();
        String message = rejected(fetcher);
        assertTrue(message.contains("not finished after 1 s"), message);
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "it gave up in time");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://example.org/cifar.tar.gz", "jar:file:/x.jar!/y"})
    void onlyHttpAddressesAreFetched(String address) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new Cifar10Fetcher(URI.create(address), "0123456789abcdef0123456789abcdef", -1, SmallCifar.RECORDS));
        assertTrue(e.getMessage().contains("only http:// and https:// addresses are fetched"), e.getMessage());
    }

    @Test
    void aMemberDeclaringMoreThanItsFileCanBeIsRejectedBeforeItIsWritten() throws Exception {
        // a tar header that declares 1 GiB for data_batch_1.bin, followed by a few bytes: a "bomb"
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(raw);
        TarArchiveEntry bomb = new TarArchiveEntry(Cifar10.FOLDER + "/data_batch_1.bin");
        bomb.setSize(1L << 30);
        tar.putArchiveEntry(bomb);
        tar.write(new byte[4096]);
        tar.flush();
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (OutputStream zip = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(gz)) {
            zip.write(raw.toByteArray());
        }
        String message = rejected(fetcherFor(gz.toByteArray()));
        assertTrue(message.contains("declares 1,073,741,824 bytes; that file is " + String.format("%,d",
                Cifar10.fileBytes(SmallCifar.RECORDS))), message);
    }

    @Test
    void fifoAndDeviceEntriesRejectTheArchive() throws Exception {
        for (byte type : new byte[] {TarArchiveEntry.LF_FIFO, TarArchiveEntry.LF_CHR, TarArchiveEntry.LF_BLK}) {
            List<SmallCifar.Entry> entries = SmallCifar.validEntries();
            entries.set(1, new SmallCifar.Entry(Cifar10.FOLDER + "/data_batch_1.bin", null, type, null));
            String message = rejected(fetcherFor(SmallCifar.archive(entries)));
            assertTrue(message.contains("'" + Cifar10.FOLDER + "/data_batch_1.bin' is a"), message);
        }
    }

    @Test
    void aMemberTwiceRejectsTheArchive() throws Exception {
        List<SmallCifar.Entry> entries = SmallCifar.validEntries();
        entries.add(new SmallCifar.Entry(Cifar10.FOLDER + "/data_batch_2.bin", SmallCifar.batch(99, SmallCifar.RECORDS)));
        String message = rejected(fetcherFor(SmallCifar.archive(entries)));
        assertTrue(message.contains("data_batch_2.bin' appears twice"), message);
    }

    @Test
    void leftoversOfAnInterruptedFetchAreRemovedByTheNext() throws Exception {
        Path parent = Files.createDirectories(target().getParent());
        Path oldPart = Files.writeString(parent.resolve(".cifar-10-binary.tar.gz.part.1234.tmp"), "half a download");
        Path oldStaging = Files.createDirectories(parent.resolve("." + Cifar10.FOLDER + ".partial-abcd"));
        Files.writeString(oldStaging.resolve("data_batch_1.bin"), "half");
        java.nio.file.attribute.FileTime hourAgo = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 3_600_000);
        for (Path p : new Path[] {oldPart, oldStaging}) {
            Files.setLastModifiedTime(p, hourAgo);
        }
        fetcherFor(SmallCifar.archive(SmallCifar.validEntries())).fetch(target(), Cifar10Fetcher.Progress.NONE);
        assertFalse(Files.exists(oldPart));
        assertFalse(Files.exists(oldStaging));
    }

    /** SIGTERM in the middle of a download: the process's shutdown hook removes the partial file. */
    @Test
    void aTerminatedFetchLeavesNothing() throws Exception {
        Path parent = Files.createDirectories(target().getParent());
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), FetchMain.class.getName(), at("/slow").toString(), target().toString())
                .redirectErrorStream(true).start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline && allFiles().isEmpty()) {
            Thread.sleep(50);
        }
        assertFalse(allFiles().isEmpty(), "the child never started its download");
        child.destroy();   // SIGTERM
        assertTrue(child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(List.of(), allFiles(), "leftovers after SIGTERM");
        try (Stream<Path> left = Files.list(parent)) {
            assertEquals(List.of(), left.collect(Collectors.toList()));
        }
    }

    /** The fetched folder and its files get the umask's permissions, as any new file does. */
    @Test
    void fetchedFilesFollowTheUmask() throws Exception {
        Path probe = Files.createDirectory(tmp.resolve("probe"));
        Path probeFile = Files.createFile(tmp.resolve("probe-file"));
        fetcherFor(SmallCifar.archive(SmallCifar.validEntries())).fetch(target(), Cifar10Fetcher.Progress.NONE);
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(target()));
        assertEquals(Files.getPosixFilePermissions(probeFile), Files.getPosixFilePermissions(target().resolve("data_batch_1.bin")));
    }
}
