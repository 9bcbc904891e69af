package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cached reference build is used only when complete: a truncated or unmarked one is built again. */
class ReferenceBuildTest {
    @TempDir
    Path tmp;

    private Path entry(byte[] jar) throws Exception {
        Path folder = tmp.resolve("0123456789abcdef0123456789abcdef01234567");
        Path file = Files.createDirectories(folder.resolve("benchmarks/target")).resolve("benchmarks.jar");
        Files.write(file, jar);
        return folder;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aCompleteEntryIsUsed() throws Exception {
        byte[] jar = "a jar".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Path folder = entry(jar);
        Files.writeString(folder.resolve(ReferenceBuild.COMPLETE), sha256(jar) + "\n");
        assertNull(ReferenceBuild.problem(folder));
    }

    @Test
    void aTruncatedJarIsDamaged() throws Exception {
        byte[] jar = "a jar".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Path folder = entry(jar);
        Files.writeString(folder.resolve(ReferenceBuild.COMPLETE), sha256(jar) + "\n");
        Files.write(folder.resolve("benchmarks/target/benchmarks.jar"), java.util.Arrays.copyOf(jar, 100));
        assertEquals("is damaged: its jar changed", ReferenceBuild.problem(folder));
    }

    @Test
    void anEntryWithoutItsMarkIsIncomplete() throws Exception {
        assertEquals("is incomplete", ReferenceBuild.problem(entry(new byte[10])));
        assertEquals("is missing", ReferenceBuild.problem(tmp.resolve("nothing")));
    }
}
