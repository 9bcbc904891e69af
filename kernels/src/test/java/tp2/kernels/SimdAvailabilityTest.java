package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
            assertTrue(line.contains(Simd.tile() + " tile ("), line);
            assertEquals("simd", Backend.SIMD.create().name());
        }
    }

    /**
     * The tile follows the vector registers C2 can use, told apart here from what the JVM was
     * given and what the CPU has, not from the code's own reading: 16 registers (4x3) under
     * -XX:UseAVX=2 or below or on an x86 without AVX-512, 32 (3x7) on AVX-512 or ARM.
     */
    @Test
    void theTileFollowsTheRegisterFile() throws Exception {
        assumeTrue(Simd.isAvailable(), "simd unavailable here");
        assumeTrue(System.getProperty(SimdShape.TILE_PROPERTY) == null, "tile set by property");
        String arch = System.getProperty("os.arch");
        boolean restricted = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.matches("-XX:UseAVX=[012]"));
        String expected;
        if (arch.equals("aarch64")) {
            expected = "3x7";
        } else {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            assumeTrue(Files.isReadable(cpuinfo), "no /proc/cpuinfo");
            boolean avx512 = Files.readString(cpuinfo).contains(" avx512f ");
            expected = avx512 && !restricted ? "3x7" : "4x3";
        }
        assertEquals(expected, Simd.tile(), Simd.describe());
        assertEquals(expected, ((SimdKernels) Backend.SIMD.create()).tile());
        assertEquals("4x3", SimdShape.named(" 4X3 ").tile());
        assertThrows(IllegalArgumentException.class, () -> SimdShape.named("5x5"));
    }
}
