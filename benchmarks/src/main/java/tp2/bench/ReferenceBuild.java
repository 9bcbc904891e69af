package tp2.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import tp2.data.SafeFiles;

/**
 * The gate's reference: the commit it names (in {@code benchmarks/gate/reference}), this
 * repository's git, and the build of that commit in a cache folder of its own, keyed by commit.
 *
 * <p>A cache entry is complete or rebuilt: the build is made in a folder of its own, a file
 * {@value #COMPLETE} records the SHA-256 of its jar, and only then is it renamed into place; an entry
 * whose jar no longer matches (truncated, or a build cut short before this rule) is built again.
 * Gates that share the cache build a commit once, one at a time, under a lock file beside it; none
 * deletes another's complete build.
 */
final class ReferenceBuild {
    /** The file in a cache entry that says it is complete: the SHA-256 of its jar. */
    static final String COMPLETE = "complete.sha256";
    private static final String JAR = "benchmarks/target/benchmarks.jar";

    private ReferenceBuild() {}

    /** The file that names the reference commit. */
    static Path referenceFile(Path home) {
        return home.resolve("benchmarks/gate/reference");
    }

    /** The commit named by the reference file: its first word that is not in a comment. */
    static String recordedReference(Path home) throws IOException {
        for (String line : Files.readAllLines(referenceFile(home), StandardCharsets.UTF_8)) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                return t.split("\\s+")[0];
            }
        }
        throw new IOException(referenceFile(home) + " names no commit");
    }

    /** Moves the reference to {@code rev}: writes its full hash into the reference file (to commit). */
    static String setReference(Path home, String rev) throws IOException, InterruptedException {
        String sha = resolve(home, rev);
        if (sha == null) {
            throw new IOException("--set-reference " + rev + ": no such commit here");
        }
        Files.writeString(referenceFile(home), "# The commit ./tp2 bench --check measures the working tree against (docs/gate.md).\n"
                + "# Move it forward after an intended speed change: ./tp2 bench --set-reference HEAD, then commit this file.\n"
                + sha + "\n", StandardCharsets.UTF_8);
        return sha;
    }

    /** git's output (trimmed) for {@code args} in this repository, or null when git fails. */
    private static String git(Path home, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", home.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 ? text : null;
    }

    /** Whether this checkout is a shallow clone (its history cut off), so that a missing commit may exist elsewhere. */
    static boolean isShallow(Path home) throws IOException, InterruptedException {
        return "true".equals(git(home, "rev-parse", "--is-shallow-repository"));
    }

    /** The full hash of {@code rev} in this repository, or null when it is not here. */
    static String resolve(Path home, String rev) throws IOException, InterruptedException {
        String text = git(home, "rev-parse", "--verify", "--quiet", rev + "^{commit}");
        return text != null && text.matches("[0-9a-f]{40}") ? text : null;
    }

    /** The working tree's commit, "+ changes" when it has uncommitted ones, or "unknown" outside git. */
    static String workingCommit(Path home) {
        try {
            String head = resolve(home, "HEAD");
            if (head == null) {
                return "unknown";
            }
            String changes = git(home, "status", "--porcelain", "--untracked-files=no");
            return changes != null && !changes.isEmpty() ? head + " + changes" : head;
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * Maven as the launcher finds it: {@code mvn} on the PATH, else this checkout's Maven Wrapper
     * (which reads its settings beside the script, so it builds any folder).
     */
    static String maven(Path home) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "mvn"))) {
                return "mvn";
            }
        }
        return home.resolve("mvnw").toString();
    }

    /** {@code $XDG_CACHE_HOME/tp2/gate}, or {@code ~/.cache/tp2/gate}. */
    static Path cacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("tp2/gate");
    }

    /**
     * The benchmarks jar of {@code sha}, built in {@code cache} unless a complete build is there.
     * {@code say} gets a line for the terminal; the build's output goes to {@code commands}' log.
     */
    static Path build(Path home, Path cache, String sha, LoggedCommands commands, Consumer<String> say) throws Exception {
        Files.createDirectories(cache);
        Path folder = cache.resolve(sha);
        try (FileChannel channel = FileChannel.open(cache.resolve(sha + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                say.accept("gate: another gate is building the reference " + sha.substring(0, 10) + "; waiting for it...");
                lock = channel.lock();
            }
            try {
                String problem = problem(folder);
                if (problem == null) {
                    say.accept("gate: the reference " + sha.substring(0, 10) + " is built already (" + folder + ")");
                    return folder.resolve(JAR);
                }
                say.accept("gate: building the reference " + sha.substring(0, 10) + " in " + folder
                        + (Files.exists(folder) ? " (the cached build " + problem + ")" : "") + " (once per commit, about a minute)...");
                try (var stale = Files.newDirectoryStream(cache, sha + ".building-*")) {
                    for (Path p : stale) {   // a build killed before it ended; nobody else builds this commit now
                        SafeFiles.deleteTree(p);
                    }
                }
                Path building = Files.createDirectories(cache.resolve(sha + ".building-" + ProcessHandle.current().pid()));
                try {
                    commands.run(List.of("bash", "-c", "git -C \"$2\" archive --format=tar \"$3\" | tar -x -C \"$1\"",
                            "extract", building.toString(), home.toString(), sha), home, "extracting the reference");
                    commands.run(List.of(maven(home), "-q", "-B", "-DskipTests", "package", "-pl", "benchmarks", "-am"), building,
                            "building the reference");
                    Files.writeString(building.resolve(COMPLETE), sha256(building.resolve(JAR)) + "\n", StandardCharsets.UTF_8);
                    SafeFiles.deleteTree(folder);   // incomplete or damaged: checked under the lock
                    Files.move(building, folder);
                } finally {
                    SafeFiles.deleteTree(building);
                }
                return folder.resolve(JAR);
            } finally {
                lock.release();
            }
        }
    }

    /** Null when {@code folder} holds a complete build; otherwise what is wrong with it. */
    static String problem(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return "is missing";
        }
        Path marker = folder.resolve(COMPLETE);
        Path jar = folder.resolve(JAR);
        if (!Files.isRegularFile(marker) || !Files.isRegularFile(jar)) {
            return "is incomplete";
        }
        String expected = Files.readString(marker, StandardCharsets.UTF_8).trim();
        return expected.equals(sha256(jar)) ? null : "is damaged: its jar changed";
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
