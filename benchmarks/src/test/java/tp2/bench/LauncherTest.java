package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./tp2 launcher in the environments users bring: no UTF-8 locale, an address-space limit.
 * Runs the real launcher on the jar this build made (present and newer than the sources: no build).
 */
class LauncherTest {
    @TempDir
    Path tmp;

    record Run(int code, String output) {}

    /** {@code ./tp2 args} under {@code bash -c PREFIX}, with exactly the environment given (as env -i). */
    private Run launch(String prefix, List<String> env, String... args) throws Exception {
        StringBuilder command = new StringBuilder(prefix).append(" exec bash ").append(quote(JvmFlagsTest.ROOT.resolve("tp2").toString()));
        for (String a : args) {
            command.append(' ').append(quote(a));
        }
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command.toString()).directory(tmp.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("HOME", System.getProperty("user.home"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        for (String kv : env) {
            builder.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** cron, env -i, a container without LANG: a non-ASCII path still reaches java intact. */
    @Test
    void aNonAsciiPathWorksWithoutAUtf8Locale() throws Exception {
        Path missing = tmp.resolve("modèle-ü.ckpt");
        Run run = launch("", List.of("LANG=C"), "evaluate", "--checkpoint", missing.toString(), "--data", tmp.toString());
        assertEquals(2, run.code(), run.output());
        assertTrue(run.output().contains(missing.toString()), "the path as given, not '?': " + run.output());
    }

    /** A JVM that cannot reserve its memory under ulimit -v: one line saying so, no crash report left here. */
    @Test
    void anAddressSpaceLimitIsOneLine() throws Exception {
        Run run = launch("ulimit -v 400000;", List.of("LANG=C.UTF-8"), "info");
        assertEquals(1, run.code(), run.output());
        String[] lines = run.output().strip().split("\n");
        assertEquals(1, lines.length, run.output());
        assertTrue(lines[0].startsWith("tp2: ") && lines[0].contains("ulimit -v"), run.output());
        try (var left = Files.list(tmp)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith("hs_err")), "no hs_err file in the current folder");
        }
    }
}
