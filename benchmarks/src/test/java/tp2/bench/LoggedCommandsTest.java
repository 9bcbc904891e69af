package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's child processes: a failure quotes the child's own error; a stopped gate leaves no child running. */
class LoggedCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void aFailureQuotesTheFirstErrorLineAndNamesTheLog() throws Exception {
        LoggedCommands commands = new LoggedCommands(tmp.resolve("gate.log"));
        IOException e = assertThrows(IOException.class, () -> commands.run(List.of("bash", "-c",
                "echo building; echo '\u001b[1;31m[ERROR]\u001b[m Failed to execute goal: compilation failure'; echo '[ERROR] more'; exit 3"),
                tmp, "building the reference"));
        assertEquals("building the reference failed (exit 3): [ERROR] Failed to execute goal: compilation failure; see "
                + tmp.resolve("gate.log"), e.getMessage());
    }

    @Test
    void anotherJmhHoldingItsLockIsSaidPlainly() throws Exception {
        LoggedCommands commands = new LoggedCommands(tmp.resolve("gate.log"));
        commands.run(List.of("bash", "-c", "echo 'ERROR: an earlier command failed'; exit 0"), tmp, "first");
        IOException e = assertThrows(IOException.class, () -> commands.run(List.of("bash", "-c",
                "echo 'ERROR: Another JMH instance might be running. Unable to acquire the JMH lock (/tmp/jmh.lock), exiting.'; exit 1"),
                tmp, "JMH (matmuls)"));
        assertTrue(e.getMessage().startsWith("JMH (matmuls) failed (exit 1): another JMH run holds JMH's lock"), e.getMessage());
    }

    /** What the shutdown hook does on Ctrl-C or SIGTERM: the running command and the processes it started stop. */
    @Test
    void stoppingStopsTheCommandAndItsChildren() throws Exception {
        LoggedCommands commands = new LoggedCommands(tmp.resolve("gate.log"));
        Path pid = tmp.resolve("child.pid");
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
            try {
                commands.run(List.of("bash", "-c", "sleep 120 & echo $! > child.pid; wait"), tmp, "a long build");
            } catch (Exception expected) {
                // stopped: exit 143
            }
        });
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!(Files.exists(pid) && Files.size(pid) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long child = Long.parseLong(Files.readString(pid).trim());
        assertTrue(ProcessHandle.of(child).isPresent(), "the grandchild runs");
        commands.stopRunning();
        running.get(20, java.util.concurrent.TimeUnit.SECONDS);
        for (long end = System.nanoTime() + 10_000_000_000L; running(child) && System.nanoTime() < end; ) {
            Thread.sleep(20);
        }
        assertFalse(running(child), "the grandchild was stopped too");
    }

    /** Alive and not a zombie (a stopped process whose parent ended stays one where nothing reaps orphans). */
    private static boolean running(long pid) throws IOException {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return true;   // no /proc (not Linux): trust isAlive
        }
        String text;
        try {
            text = Files.readString(stat);
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
        return !text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
    }
}
