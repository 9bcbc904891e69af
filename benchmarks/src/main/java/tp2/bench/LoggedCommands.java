package tp2.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gate's child processes (git, Maven, JMH): each runs with its output appended to the gate's
 * log; a failure is one line that quotes the process's own first error and names the log; and
 * when the gate is stopped (Ctrl-C, SIGTERM) the process running then and its children are stopped
 * too, never left behind.
 */
final class LoggedCommands {
    /** Longest a command may run before it is stopped. */
    static final long TIMEOUT_MINUTES = 20;

    private final Path log;
    private volatile Process running;

    LoggedCommands(Path log) throws IOException {
        this.log = log;
        Files.writeString(log, "", StandardCharsets.UTF_8);
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopRunning, "tp2-gate-stop"));
    }

    Path log() {
        return log;
    }

    /** Runs {@code cmd} in {@code dir}; {@code what} names it in an error ("building the reference"). */
    void run(List<String> cmd, Path dir, String what) throws IOException, InterruptedException {
        long start = Files.size(log);
        Files.writeString(log, "\n$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        running = p;
        try {
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                stop(p);
                throw new IOException(what + " did not finish in " + TIMEOUT_MINUTES + " minutes; see " + log);
            }
        } finally {
            running = null;
        }
        if (p.exitValue() != 0) {
            String cause = firstError(log, start);
            throw new IOException(what + " failed (exit " + p.exitValue() + ")" + (cause == null ? "" : ": " + cause)
                    + "; see " + log);
        }
    }

    /** Stops the command running now, and its children (the shutdown hook; tests). */
    void stopRunning() {
        Process p = running;
        if (p != null) {
            stop(p);
        }
    }

    /** Stops a process and everything it started (Maven's forks, JMH's), children first. */
    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first line after {@code from} in the log that reads as an error, shortened; null when none does. */
    static String firstError(Path log, long from) {
        try {
            byte[] all = Files.readAllBytes(log);
            String text = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                    StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                String t = line.replaceAll("\u001B\\[[;\\d]*m", "").strip();
                if (t.contains("Another JMH instance might be running")) {
                    return "another JMH run holds JMH's lock (/tmp/jmh.lock): run the gate when it has ended";
                }
                if (t.startsWith("ERROR") || t.startsWith("[ERROR]") || t.startsWith("Error:") || t.startsWith("fatal:")
                        || t.startsWith("Exception in thread") || t.startsWith("<failure>")) {
                    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
                }
            }
        } catch (IOException e) {
            // the log is only a source of detail here
        }
        return null;
    }
}
