package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** gate.md, the verdict a pull request shows: the machine, both commits, a row per benchmark with the reason for any non-pass. */
class GateMarkdownTest {

    @Test
    void rendersOneRowPerBenchmarkWithTheReasonForFailuresAndInconclusives() throws Exception {
        double[] ref = {100, 101, 99, 100, 102};
        double[] slower = {130, 131, 128, 129, 133};
        double[] noisy = {100, 160, 80, 130, 95};
        List<GateMarkdown.Row> rows = List.of(
                new GateMarkdown.Row("matmulBias simd", 100, 130, "us/op", Comparison.decide(ref, slower, 5)),
                new GateMarkdown.Row("matmulGradW simd, AVX2", 100, 100, "us/op", Comparison.decide(ref, ref, 5)),
                new GateMarkdown.Row("training pass simd, 2 threads", 100, 110, "s/op", Comparison.decide(ref, noisy, 5)));
        Gate floors = Gate.checkFloors(GateTest.run(1, 1, 1, "0.5"), GateTest.floors());
        String md = GateMarkdown.render("AMD EPYC (family 26, model 2), 2 cores", "simd: 256-bit, 8 lanes, fma, 4x3 tile",
                "17.0.15", "a96693e86a44e197ddac52bd1e43462400e7b154", "5273eb7 + changes", rows, floors, false);
        String[] lines = md.split("\n");

        assertEquals("## tp2 performance gate: **FAILED**", lines[0]);
        assertTrue(md.contains("Machine: AMD EPYC (family 26, model 2), 2 cores; simd: 256-bit, 8 lanes, fma, 4x3 tile; JDK 17.0.15."), md);
        assertTrue(md.contains("Reference: `a96693e86a44e197ddac52bd1e43462400e7b154`; now: `5273eb7 + changes`."), md);
        assertTrue(md.contains("| benchmark | reference | now | delta [95% interval] | verdict | why |"), md);
        String fail = row(md, "matmulBias simd");
        assertTrue(fail.contains("| **FAIL** | slower by more than 10% with 95% confidence (at least +"), fail);
        assertEquals(8, fail.split("\\|", -1).length, "six cells between seven pipes: " + fail);
        String pass = row(md, "matmulGradW simd, AVX2");
        assertTrue(pass.endsWith("| PASS |  |"), pass);
        String open = row(md, "training pass simd, 2 threads");
        assertTrue(open.contains("| INCONCLUSIVE | the interval reaches past +10% after 5 pairs"), open);
        assertTrue(md.contains("| ratio floor | expected | measured | verdict |"), md);
    }

    @Test
    void aMissingReferenceAndPipesInTextStillMakeATable() throws Exception {
        Gate floors = Gate.checkFloors(GateTest.run(1, 1, 1, "0.5"), GateTest.floors());
        String md = GateMarkdown.render("a | b", "simd", "25", "none (not in this clone)", "unknown", List.of(), floors, true);
        assertTrue(md.startsWith("## tp2 performance gate: passed\n"), md);
        assertTrue(md.contains("Machine: a \\| b;"), md);
        assertTrue(!md.contains("| benchmark |"), "no comparison table without pairs: " + md);
        assertTrue(md.contains("| ratio floor |"), md);
    }

    private static String row(String md, String benchmark) {
        return md.lines().filter(l -> l.startsWith("| " + benchmark + " |")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + benchmark + " in\n" + md));
    }
}
