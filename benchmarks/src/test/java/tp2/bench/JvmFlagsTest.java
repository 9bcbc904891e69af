package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

/**
 * jvm.flags is the one list of JVM flags: the launcher reads it, and the JMH forks' flags
 * ({@link BenchmarkBase}'s {@code @Fork}) must be its lines marked {@code all} and {@code fork}.
 */
class JvmFlagsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The flags of jvm.flags marked with one of {@code places}, in file order. */
    static List<String> flags(String... places) throws IOException {
        List<String> flags = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve("jvm.flags"), StandardCharsets.UTF_8)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+");
            assertEquals(2, parts.length, "jvm.flags: a line is a flag and where it goes: " + line);
            assertTrue(List.of("all", "run", "fork").contains(parts[1]), "jvm.flags: unknown place in " + line);
            if (Arrays.asList(places).contains(parts[1])) {
                flags.add(parts[0]);
            }
        }
        return flags;
    }

    @Test
    void theForksGetTheFlagsOfJvmFlags() throws IOException {
        Fork fork = BenchmarkBase.class.getAnnotation(Fork.class);
        assertEquals(flags("all", "fork"), List.of(fork.jvmArgsAppend()));
    }

    @Test
    void everyBenchmarkInheritsTheForkSettings() throws IOException {
        for (Class<?> c : List.of(MatmulBenchmark.class, ElementwiseBenchmark.class, EpochBenchmark.class,
                PeakBenchmark.class, OpenBlasBenchmark.class)) {
            assertTrue(BenchmarkBase.class.isAssignableFrom(c), c + " extends BenchmarkBase");
            assertEquals(null, c.getDeclaredAnnotation(Fork.class), c + " declares no @Fork of its own");
        }
    }

    /** The launcher, asked for its command (TP2_DRY_RUN=1), passes the lines marked all and run, in order. */
    @Test
    void theLauncherPassesTheFlagsOfJvmFlags() throws Exception {
        for (String command : new String[] {"train", "profile"}) {
            ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("tp2").toString(), command)
                    .redirectErrorStream(true);
            builder.environment().put("TP2_DRY_RUN", "1");
            Process process = builder.start();
            List<String> printed = Arrays.asList(new String(process.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8).split("\n"));
            assertEquals(0, process.waitFor(), String.join("\n", printed));
            List<String> expected = new ArrayList<>(flags("all"));
            expected.addAll(flags("run"));
            List<String> passed = new ArrayList<>(printed);
            passed.retainAll(expected);
            assertEquals(expected, passed, command + ": the launcher's java command was " + printed);
        }
    }

    /**
     * A checkout made with core.autocrlf=true has CR LF in jvm.flags: the launcher still passes every
     * flag (it once dropped them all, the places no longer matching "all" and "run").
     */
    @Test
    void aCrLfCopyOfJvmFlagsKeepsEveryFlag(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.copy(ROOT.resolve("tp2"), dir.resolve("tp2"));
        String flagsText = Files.readString(ROOT.resolve("jvm.flags"), StandardCharsets.UTF_8).replace("\r\n", "\n");
        Files.writeString(dir.resolve("jvm.flags"), flagsText.replace("\n", "\r\n"), StandardCharsets.UTF_8);
        Path jar = Files.createDirectories(dir.resolve("trainer/target")).resolve("tp2.jar");
        Files.copy(ROOT.resolve("trainer/target/tp2.jar"), jar);   // present and newer than any source: no build
        ProcessBuilder builder = new ProcessBuilder("bash", dir.resolve("tp2").toString(), "train").redirectErrorStream(true);
        builder.environment().put("TP2_DRY_RUN", "1");
        Process process = builder.start();
        List<String> printed = Arrays.asList(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        assertEquals(0, process.waitFor(), String.join("\n", printed));
        List<String> expected = new ArrayList<>(flags("all"));
        expected.addAll(flags("run"));
        List<String> passed = new ArrayList<>(printed);
        passed.retainAll(expected);
        assertEquals(expected, passed, "with CR LF the launcher's java command was " + printed);
    }
}
