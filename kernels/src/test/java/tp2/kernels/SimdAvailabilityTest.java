package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without the Vector API module, asking for simd fails with one sentence naming the JVM flag, and
 * no other backend is substituted; with it, the description names bits and lanes.
 */
class SimdAvailabilityTest {

    /** Run in a JVM started without --add-modules: prints what Backend.SIMD.create() did. */
    public static void main(String[] args) {
        System.out.println("reason=" + Simd.unavailableReason());
        System.out.println("describe=" + Simd.describe());
        try {
            Kernels k = Backend.SIMD.create();
            System.out.println("created=" + k.name());
        } catch (BackendUnavailableException e) {
            System.out.println("refused=" + e.getMessage());
        }
        System.out.println("blocked=" + Backend.BLOCKED.create().name());
    }

    @Test
    void withoutTheModuleSimdIsRefusedWithTheFlag() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SimdAvailabilityTest.class.getName()).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, process.exitValue(), String.join("\n", lines));
        assertTrue(lines.contains("refused=" + lines.get(0).substring("reason=".length())), String.join("\n", lines));
        assertTrue(lines.get(0).contains("--add-modules jdk.incubator.vector"), lines.get(0));
        assertTrue(lines.contains("blocked=blocked"), String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("created=")), String.join("\n", lines));
    }

    @Test
    void describeNamesBitsLanesAndJdk() {
        String line = Simd.describe();
        assertTrue(line.startsWith("simd: "), line);
        assertTrue(line.contains("JDK " + Runtime.version()), line);
        if (Simd.isAvailable()) {
            assertTrue(line.contains(Simd.bits() + "-bit, " + Simd.lanes() + " lanes"), line);
            assertEquals("simd", Backend.SIMD.create().name());
        }
    }
}
