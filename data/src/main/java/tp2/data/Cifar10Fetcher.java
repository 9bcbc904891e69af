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
import java.util.Comparator;
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

    private final URI url;
    private final String md5;
    private final long expectedSize;   // -1: not checked
    private final int recordsPerFile;
    private int connectTimeoutMillis = 15_000;
    private int readTimeoutMillis = 30_000;

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
        Path download = null;
        Path staging = null;
        try {
            Files.createDirectories(parent);
            download = Files.createTempFile(parent, "cifar-10-binary.", ".tar.gz.part");
            download(download, progress);
            staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
            extract(download, staging);
            new Cifar10Reader(recordsPerFile).read(staging);
            Files.deleteIfExists(target);   // only an empty folder can be here
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            staging = null;
            return target;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new DataException(target + ": appeared while fetching; remove it first");
        } catch (IOException e) {
            throw new DataException("cannot write the data set under " + parent + ": " + Cifar10Reader.describe(e));
        } finally {
            deleteQuietly(download);
            deleteQuietly(staging);
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
            progress.start(connection.getContentLengthLong());
            try (InputStream in = new DigestInputStream(connection.getInputStream(), digest);
                 OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                    received += n;
                    progress.advance(n);
                }
            }
        } catch (UnknownHostException e) {
            throw new DataException("cannot download " + url + ": host " + url.getHost() + " not found (no network?)");
        } catch (ConnectException e) {
            throw new DataException("cannot download " + url + ": connection refused or unreachable (no network?)");
        } catch (SocketTimeoutException e) {
            throw new DataException("cannot download " + url + ": timed out after " + received + " bytes");
        } catch (IOException e) {
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

    /** Extracts the known members into {@code staging}, rejecting the archive on any unsafe entry. */
    private static void extract(Path archive, Path staging) throws DataException {
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
                if (!entry.isDirectory() && !entry.isFile()) {
                    throw new DataException("archive rejected: entry '" + name + "' is not a regular file");
                }
                String member = ArchivePaths.memberName(name);
                if (member == null || entry.isDirectory()) {
                    continue;   // the folder itself, or something the data set does not need
                }
                Path out = staging.resolve(member).normalize();
                if (!out.getParent().equals(staging)) {
                    throw new DataException("archive rejected: entry '" + name + "' resolves outside the target");
                }
                long copied = Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                if (copied != entry.getSize()) {
                    throw new DataException(String.format(Locale.ROOT,
                            "archive rejected: entry '%s' declares %,d bytes but holds %,d", name, entry.getSize(), copied));
                }
            }
        } catch (DataException e) {
            throw e;
        } catch (IOException e) {
            throw new DataException("archive rejected: it is damaged (" + Cifar10Reader.describe(e) + ")");
        }
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
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temporary file is harmless and named .part/.partial
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
