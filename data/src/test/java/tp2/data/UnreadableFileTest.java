package tp2.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch file the user cannot read is named as such. Root reads any file, so when the tests run
 * as root (as CI does) the reader runs in a child JVM as the unprivileged user 65534 through
 * setpriv, from a world-readable copy of the class path.
 */
class UnreadableFileTest {
    @TempDir
    Path tmp;

    /** The child: reads args[0] and prints the one-line message, or "loaded". */
    public static void main(String[] args) {
        try {
            new Cifar10Reader(SmallCifar.RECORDS).read(Path.of(args[0]));
            System.out.println("loaded");
        } catch (DataException e) {
            System.out.println(e.getMessage());
        }
    }

    @Test
    void anUnreadableBatchFileIsNamed() throws Exception {
        Path dir = SmallCifar.writeFolder(tmp.resolve("set"));
        Path file = dir.resolve("data_batch_4.bin");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        List<String> command = new ArrayList<>();
        boolean root = "root".equals(System.getProperty("user.name"));
        String classPath = System.getProperty("java.class.path");
        if (root) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "running as root without setpriv: cannot drop privileges");
            classPath = worldReadableCopy(classPath);
            for (Path p = tmp; p != null; p = p.getParent()) {
                if (p.equals(tmp.getRoot())) {
                    break;
                }
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (!p.equals(file)) {
                        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                    }
                }
            }
            command.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                UnreadableFileTest.class.getName(), dir.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, process.exitValue(), out);
        assertTrue(out.endsWith("data_batch_4.bin: not readable (permission denied)"), out);
    }

    /** Copies every class-path entry under tmp, readable by everyone; returns the new class path. */
    private String worldReadableCopy(String classPath) throws IOException {
        Path root = tmp.resolve("cp");
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = root.resolve(index++ + "-" + source.getFileName());
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    Path copy = target.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.createDirectories(copy.getParent());
                        Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            entries.add(target.toString());
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
