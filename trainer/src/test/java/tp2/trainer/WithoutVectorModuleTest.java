package tp2.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM started without --add-modules jdk.incubator.vector: naive and blocked run, simd says how to enable it. */
class WithoutVectorModuleTest {
    @TempDir
    Path tmp;

    record Result(int code, String out) {}

    static Result tp2(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "tp2 did not finish");
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void simdIsRefusedWithTheFlagAndTheOthersRun() throws Exception {
        Result info = tp2("info");
        assertEquals(0, info.code(), info.out());
        assertTrue(info.out().contains("backend  simd     unavailable: the simd backend needs the Vector API: run java with "
                + "--add-modules jdk.incubator.vector"), info.out());
        assertTrue(info.out().contains("backend  blocked  usable"), info.out());

        Path data = Generated.writeFolder(tmp.resolve("cifar"), 20, 5);
        Result simd = tp2("train", "--backend", "simd", "--data", data.toString(), "--records-per-file", "20",
                "--out", tmp.resolve("simd").toString());
        assertEquals(1, simd.code(), simd.out());
        assertEquals(1, simd.out().lines().count(), simd.out());
        assertTrue(simd.out().contains("--add-modules jdk.incubator.vector"), simd.out());
        assertFalse(simd.out().contains("\tat "), simd.out());

        for (String backend : new String[] {"naive", "blocked"}) {
            Result ok = tp2("train", "--backend", backend, "--epochs", "1", "--batch-size", "16", "--data", data.toString(),
                    "--records-per-file", "20", "--out", tmp.resolve(backend).toString());
            assertEquals(0, ok.code(), ok.out());
            assertTrue(ok.out().contains("epoch 1/1"), ok.out());
        }
        // with no --backend, the best available one is chosen: blocked, never a silent failure
        Result best = tp2("train", "--epochs", "1", "--batch-size", "16", "--data", data.toString(), "--records-per-file",
                "20", "--out", tmp.resolve("best").toString());
        assertEquals(0, best.code(), best.out());
        assertTrue(best.out().contains("backend blocked"), best.out());
    }
}
