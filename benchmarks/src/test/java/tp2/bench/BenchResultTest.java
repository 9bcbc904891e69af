package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `./tp2 bench --report FILE` on a file that is not JMH's JSON: one line naming the file and what is wrong. */
class BenchResultTest {
    @TempDir
    Path tmp;

    private String problem(String json) throws Exception {
        Path file = tmp.resolve("jmh.json");
        Files.writeString(file, json);
        IOException e = assertThrows(IOException.class, () -> BenchResult.read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void aNullMetricIsNamed() throws Exception {
        assertTrue(problem("[{\"benchmark\": \"tp2.bench.X.y\", \"primaryMetric\": null}]").endsWith("result 1 has no primaryMetric"));
    }

    @Test
    void aMetricWithoutUnitIsNamed() throws Exception {
        String ok = GateTest.row("matmulBias", "simd", 100, "1.0");
        assertTrue(problem("[" + ok + ", {\"benchmark\": \"tp2.bench.X.y\", \"primaryMetric\": {\"score\": 1}}]")
                .endsWith("result 2 has no primaryMetric.scoreUnit"));
    }

    @Test
    void notAnArrayOrNotJsonIsNamed() throws Exception {
        assertTrue(problem("{\"benchmark\": 1}").contains("expected a JSON array"));
        assertTrue(problem("[{\"benchmark\": ").contains("not JSON"));
    }
}
