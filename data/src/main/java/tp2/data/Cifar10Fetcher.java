package tp2.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Downloads the official CIFAR-10 binary archive and installs it as a validated folder.
 *
 * <p>The download goes to a temporary file beside the target; its size and MD5 are checked before
 * anything is extracted, and a bad download is deleted. Extraction accepts only the data set's
 * known regular files under {@code cifar-10-batches-bin/}; an entry that is a link, absolute, or
 * climbs out with {@code ..} rejects the whole archive. Files are extracted into a staging folder,
 * validated with {@link Cifar10Reader}, and only then renamed to the target, so the target is
 * either complete and valid or absent.
 */
public final class Cifar10Fetcher {
    public static final URI OFFICIAL_URL = URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
    public static final long OFFICIAL_SIZE = 170_052_171L;
    public static final String OFFICIAL_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

    /** Reports download progress; the CLI shows a bar or plain lines. */
    public interface Progress {
        void start(long totalBytes);   // -1 when unknown

        void advance(long bytes);

        void finish();

        Progress NONE = new Progress() {
            @Override
            public void start(long totalBytes) {}

            @Override
            public void advance(long bytes) {}

            @Override
            public void finish() {}
        };
    }

    /** Without a known size or a Content-Length, a download stops after this many bytes (--max-bytes raises it). */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;   // 256 MiB: the official archive is 162 MiB
    /** A download slower than this, averaged over {@link #RATE_WINDOW_NANOS}, is abandoned. */
    static final long MIN_BYTES_PER_SECOND = 4 << 10;   // 4 KiB/s
    static final long RATE_WINDOW_NANOS = 60_000_000_000L;   // 60 s
    /** Leftovers of an interrupted fetch older than this are removed by the next one. */
    static final long STALE_MILLIS = 10 * 60_000L;

    private final URI url;
    private final String md5;
    private final long expectedSize;   // -1: not checked
    private final int recordsPerFile;
    private int connectTimeoutMillis = 15_000;
    private int readTimeoutMillis = 30_000;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private long deadlineMillis = 2 * 3600_000L;   // the whole download
    private long minBytesPerSecond = MIN_BYTES_PER_SECOND;

    /** The official archive, checked against its published size and MD5. */
    public Cifar10Fetcher() {
        this(OFFICIAL_URL, OFFICIAL_MD5, OFFICIAL_SIZE, Cifar10.RECORDS_PER_FILE);
    }

    /**
     * Another source (tests, mirrors): {@code expectedSize} -1 skips the size check; the MD5 is
     * always checked.
     */
    public Cifar10Fetcher(URI url, String md5, long expectedSize, int recordsPerFile) {
        if (!md5.matches("[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("--md5 must be 32 hexadecimal digits, got '" + md5 + "'");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("--url " + url + ": only http:// and https:// addresses are fetched"
                    + (scheme.equals("file") ? "; for a local archive, pass it with --data" : ""));
        }
        this.url = url;
        this.md5 = md5.toLowerCase(Locale.ROOT);
        this.expectedSize = expectedSize;
        this.recordsPerFile = recordsPerFile;
    }

    public Cifar10Fetcher timeouts(int connectMillis, int readMillis) {
        this.connectTimeoutMillis = connectMillis;
        this.readTimeoutMillis = readMillis;
        return this;
    }

    /** The most bytes a download of unknown size may bring (default {@link #DEFAULT_MAX_BYTES}). */
    public Cifar10Fetcher maxBytes(long bytes) {
        this.maxBytes = bytes;
        return this;
    }

    /** An overall deadline for the download and the slowest rate tolerated (tests make them short). */
    public Cifar10Fetcher pace(long deadlineMillis, long minBytesPerSecond) {
        this.deadlineMillis = deadlineMillis;
        this.minBytesPerSecond = minBytesPerSecond;
        return this;
    }

    public URI url() {
        return url;
    }

    /**
     * Downloads, verifies and installs the data set as the folder {@code target}, which must not
     * exist yet (an empty folder is fine). Returns {@code target}.
     */
    public Path fetch(Path target, Progress progress) throws DataException {
        target = target.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyFolder(target)) {
            throw new DataException(target + ": already exists; remove it first, or point --data at it");
        }
        Path parent = target.getParent();
        for (Path folder = parent; folder != null; folder = folder.getParent()) {   // the nearest existing folder on the way
            if (Files.exists(folder)) {
                if (!Files.isDirectory(folder)) {
                    throw new DataException(folder + ": is a file, not a folder; the data set cannot be installed under it ("
                            + target + ")");
                }
                break;
            }
        }
        // the download and the staging folder, named here before they exist, removed on any exit
        java.util.concurrent.atomic.AtomicReferenceArray<Path> leftovers = new java.util.concurrent.atomic.AtomicReferenceArray<>(2);
        Thread cleanup = new Thread(() -> {
            deleteQuietly(leftovers.get(0));
            deleteQuietly(leftovers.get(1));
        }, "tp2-fetch-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);   // Ctrl-C or SIGTERM during the fetch
        try {
            Files.createDirectories(parent);
            removeStale(parent, target.getFileName().toString());
            String unique = Long.toHexString(System.nanoTime()) + Long.toHexString(ProcessHandle.current().pid());
            leftovers.set(0, parent.resolve(".cifar-10-binary.tar.gz.part." + unique + ".tmp"));
            Files.createFile(leftovers.get(0));   // the umask's permissions
            download(leftovers.get(0), progress);
            leftovers.set(1, parent.resolve("." + target.getFileName() + ".partial-" + unique));
            Files.createDirectory(leftovers.get(1));
            extract(leftovers.get(0), leftovers.get(1), recordsPerFile);
            new Cifar10Reader(recordsPerFile).read(leftovers.get(1));
            Files.deleteIfExists(target);   // only an empty folder can be here
            Files.move(leftovers.get(1), target, StandardCopyOption.ATOMIC_MOVE);
            leftovers.set(1, null);
            return target;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new DataException(target + ": appeared while fetching; remove it first");
        } catch (IOException e) {
            throw new DataException("cannot write the data set under " + parent + ": " + Cifar10Reader.describe(e));
        } finally {
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException ignored) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    /** Removes what an interrupted fetch left beside {@code target} more than {@link #STALE_MILLIS} ago. */
    private static void removeStale(Path parent, String target) {
        long now = System.currentTimeMillis();
        try (Stream<Path> entries = Files.list(parent)) {
            entries.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(".cifar-10-binary.tar.gz.part.") && name.endsWith(".tmp")
                        || name.startsWith("." + target + ".partial-");
            }).forEach(p -> {
                try {
                    if (now - Files.getLastModifiedTime(p).toMillis() > STALE_MILLIS) {
                        deleteQuietly(p);
                    }
                } catch (IOException ignored) {
                    // gone already, or not ours to judge
                }
            });
        } catch (IOException ignored) {
            // nothing to clean
        }
    }

    private void download(Path file, Progress progress) throws DataException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no MD5", e);
        }
        long received = 0;
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(readTimeoutMillis);
            connection.setInstanceFollowRedirects(true);
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new DataException("download of " + url + " failed: HTTP " + status + " "
                        + (connection.getResponseMessage() == null ? "" : connection.getResponseMessage()).trim());
            }
            long length = connection.getContentLengthLong();
            long limit = expectedSize >= 0 ? expectedSize : length >= 0 ? length : maxBytes;
            if (length >= 0 && length > limit) {
                throw new DataException(String.format(Locale.ROOT, "download of %s refused: the server announces %,d bytes, "
                        + "the archive is %,d", url, length, limit));
            }
            progress.start(length);
            long start = System.nanoTime();
            long windowStart = start, windowBytes = 0;
            try (InputStream in = new DigestInputStream(connection.getInputStream(), digest);
                 // the file exists (fetch created it); opened without CREATE, so that a SIGTERM's hook,
                 // which deletes it, is never undone by this open (a leftover the next fetch must clean)
                 OutputStream out = WriteFailure.naming(file, Files.newOutputStream(file, java.nio.file.StandardOpenOption.WRITE,
                         java.nio.file.StandardOpenOption.TRUNCATE_EXISTING))) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (received + n > limit) {
                        throw new DataException(String.format(Locale.ROOT, "download of %s stopped: the server sent more "
                                + "than the %,d bytes expected%s; it was removed", url, limit,
                                expectedSize < 0 && length < 0 ? " (raise the limit with --max-bytes)" : ""));
                    }
                    out.write(buffer, 0, n);
                    received += n;
                    windowBytes += n;
                    progress.advance(n);
                    long now = System.nanoTime();
                    if (now - start > deadlineMillis * 1_000_000L) {
                        throw new DataException(String.format(Locale.ROOT, "download of %s stopped: not finished after "
                                + "%,d s (%,d bytes received); it was removed", url, deadlineMillis / 1000, received));
                    }
                    if (now - windowStart >= RATE_WINDOW_NANOS) {
                        double rate = windowBytes / ((now - windowStart) / 1e9);
                        if (rate < minBytesPerSecond) {
                            throw new DataException(String.format(Locale.ROOT, "download of %s stopped: %.0f bytes/s over "
                                    + "the last minute, below the %,d bytes/s a download needs; it was removed", url, rate,
                                    minBytesPerSecond));
                        }
                        windowStart = now;
                        windowBytes = 0;
                    }
                }
            }
        } catch (WriteFailure e) {
            throw new DataException(e.getMessage() + (expectedSize < 0 ? "" : String.format(Locale.ROOT,
                    " (the download needs %,d bytes there, the data set about as much again)", expectedSize)));
        } catch (UnknownHostException e) {
            throw new DataException("cannot download " + url + ": host " + url.getHost() + " not found (no network?)");
        } catch (ConnectException e) {
            throw new DataException("cannot download " + url + ": connection refused or unreachable (no network?)");
        } catch (SocketTimeoutException e) {
            throw new DataException("cannot download " + url + ": timed out after " + received + " bytes");
        } catch (IOException e) {   // only http(s) addresses get here (the constructor), so the connection is HTTP
            throw new DataException("cannot download " + url + ": " + Cifar10Reader.describe(e));
        } finally {
            progress.finish();
            if (connection != null) {
                connection.disconnect();
            }
        }
        if (expectedSize >= 0 && received != expectedSize) {
            throw new DataException(String.format(Locale.ROOT,
                    "download of %s is damaged: expected %,d bytes, received %,d; it was removed", url, expectedSize,
                    received));
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(md5)) {
            throw new DataException("download of " + url + " is damaged: MD5 " + actual + ", expected " + md5
                    + "; it was removed");
        }
    }

    /**
     * Extracts the known members into {@code staging}, rejecting the archive on any unsafe entry: a
     * link, a FIFO or device, a path outside the target, a member twice, or a member whose declared
     * size is not what that file must be (checked before a byte of it is written).
     */
    private static void extract(Path archive, Path staging, int recordsPerFile) throws DataException {
        java.util.Set<String> installed = new java.util.HashSet<>();
        try (InputStream file = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                     new java.io.BufferedInputStream(file, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                String unsafe = ArchivePaths.unsafeReason(name);
                if (unsafe != null) {
                    throw new DataException("archive rejected: entry '" + name + "' is " + unsafe);
                }
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw new DataException("archive rejected: entry '" + name + "' is a link to '"
                            + entry.getLinkName() + "'");
                }
                if (entry.isFIFO() || entry.isCharacterDevice() || entry.isBlockDevice()) {
                    throw new DataException("archive rejected: entry '" + name + "' is a "
                            + (entry.isFIFO() ? "FIFO" : "device") + ", not a regular file");
                }
                if (!entry.isDirectory() && !entry.isFile()) {
                    throw new DataException("archive rejected: entry '" + name + "' is not a regular file");
                }
                String member = ArchivePaths.memberName(name);
                if (member == null || entry.isDirectory()) {
                    continue;   // the folder itself, or something the data set does not need
                }
                if (!installed.add(member)) {
                    throw new DataException("archive rejected: entry '" + name + "' appears twice");
                }
                long allowed = ArchivePaths.sizeLimit(member, recordsPerFile);
                if (entry.getSize() > allowed || (ArchivePaths.exactSize(member) && entry.getSize() != allowed)) {
                    throw new DataException(String.format(Locale.ROOT,
                            "archive rejected: entry '%s' declares %,d bytes; that file %s %,d", name, entry.getSize(),
                            ArchivePaths.exactSize(member) ? "is" : "holds at most", allowed));
                }
                Path out = staging.resolve(member).normalize();
                if (!out.getParent().equals(staging)) {
                    throw new DataException("archive rejected: entry '" + name + "' resolves outside the target");
                }
                long copied;
                try (OutputStream o = WriteFailure.naming(out, Files.newOutputStream(out, java.nio.file.StandardOpenOption.CREATE_NEW))) {
                    copied = copyAtMost(tar, o, entry.getSize());
                }
                if (copied != entry.getSize()) {
                    throw new DataException(String.format(Locale.ROOT,
                            "archive rejected: entry '%s' declares %,d bytes but holds %,d", name, entry.getSize(), copied));
                }
            }
        } catch (DataException e) {
            throw e;
        } catch (WriteFailure e) {   // a full disk, not a damaged archive
            throw new DataException(e.getMessage());
        } catch (IOException e) {
            throw new DataException("archive rejected: it is damaged (" + Cifar10Reader.describe(e) + ")");
        }
    }

    /** Copies at most {@code limit} bytes; returns how many. */
    private static long copyAtMost(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long copied = 0;
        int n;
        while (copied < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied))) > 0) {
            out.write(buffer, 0, n);
            copied += n;
        }
        return copied;
    }

    private static boolean isEmptyFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            SafeFiles.deleteTree(path);
        } catch (IOException ignored) {
            // best effort: a leftover temporary file is harmless and named .part/.partial
        }
    }
}
