package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The ratio floors on synthetic JMH JSON: they flag a lost vector path, pass a slow phase of the whole machine, read "NaN" errors. */
class GateTest {

    /** A JMH result row as JMH writes it; {@code error} may be the string "NaN". */
    static String row(String method, String backend, double score, String error) {
        String klass = method.startsWith("sigmoid") || method.startsWith("sgd") ? "ElementwiseBenchmark" : "MatmulBenchmark";
        String layer = klass.equals("MatmulBenchmark") ? "\"layer\" : \"3072x100\", " : "";
        return String.format(Locale.ROOT, "{ \"jmhVersion\" : \"1.37\", \"benchmark\" : \"tp2.bench.%s.%s\", \"mode\" : \"avgt\", "
                + "\"threads\" : 1, \"forks\" : 1, \"jdkVersion\" : \"17.0.15\", \"params\" : { \"backend\" : \"%s\", %s\"m\" : \"128\" }, "
                + "\"primaryMetric\" : { \"score\" : %s, \"scoreError\" : %s, \"scoreUnit\" : \"us/op\" } }",
                klass, method, backend, layer, score, error);
    }

    /** naive, blocked and simd times of the two matmuls, each scaled by its factor. */
    static List<BenchResult> run(double simdFactor, double blockedFactor, double naiveFactor, String error) throws Exception {
        String json = "[" + String.join(",",
                row("matmulBias", "naive", 80_000 * naiveFactor, error),
                row("matmulBias", "blocked", 8_000 * blockedFactor, error),
                row("matmulBias", "simd", 1_000 * simdFactor, error),
                row("matmulGradW", "naive", 90_000 * naiveFactor, error),
                row("matmulGradW", "blocked", 9_000 * blockedFactor, error),
                row("matmulGradW", "simd", 1_100 * simdFactor, error)) + "]";
        return BenchResult.parse(json);
    }

    static JsonNode floors() throws Exception {
        return Gate.JSON.readTree("{ \"floors\" : ["
                + "{ \"kernel\" : \"MatmulBenchmark.matmulBias\", \"backend\" : \"simd\", \"params\" : { \"m\" : \"128\", \"layer\" : \"3072x100\" }, \"floor\" : 50, \"measured\" : 80 },"
                + "{ \"kernel\" : \"MatmulBenchmark.matmulBias\", \"backend\" : \"blocked\", \"params\" : { \"m\" : \"128\", \"layer\" : \"3072x100\" }, \"floor\" : 5, \"measured\" : 10 },"
                + "{ \"kernel\" : \"MatmulBenchmark.matmulGradW\", \"backend\" : \"simd\", \"params\" : { \"m\" : \"128\", \"layer\" : \"3072x100\" }, \"floor\" : 50, \"measured\" : 81 }"
                + "] }");
    }

    @Test
    void aPlantedTwoTimesSlowdownOfSimdBreaksItsFloor() throws Exception {
        Gate gate = Gate.checkFloors(run(2, 1, 1, "20.0"), floors());
        assertFalse(gate.passed(), gate.table());
        assertEquals(2, gate.lines().stream().filter(l -> l.status() == Gate.Status.FAIL).count(),
                "simd/naive fell from 80x to 40x, under the floor of 50x, on both matmuls: " + gate.table());
    }

    @Test
    void plusMinusFifteenPercentNoisePasses() throws Exception {
        Random random = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            double s = 1 + (random.nextDouble() * 0.3 - 0.15);
            double b = 1 + (random.nextDouble() * 0.3 - 0.15);
            double n = 1 + (random.nextDouble() * 0.3 - 0.15);
            Gate gate = Gate.checkFloors(run(s, b, n, "20.0"), floors());
            assertTrue(gate.passed(), "noise " + s + ", " + b + ", " + n + "\n" + gate.table());
        }
    }

    @Test
    void aNaNErrorIsRead() throws Exception {
        List<BenchResult> results = run(1.1, 1, 1, "\"NaN\"");
        assertTrue(Double.isNaN(results.get(0).error()));
        assertTrue(Gate.checkFloors(results, floors()).passed());
    }

    @Test
    void aSlowPhaseOfTheWholeRunPasses() throws Exception {
        // the host slowing every benchmark by 1.6x (seen in CI) is not a regression
        Gate gate = Gate.checkFloors(run(1.6, 1.6, 1.6, "20.0"), floors());
        assertTrue(gate.passed(), gate.table());
    }

    @Test
    void aMissingResultFails() throws Exception {
        List<BenchResult> partial = run(1, 1, 1, "20.0").subList(0, 3);
        Gate gate = Gate.checkFloors(partial, floors());
        assertFalse(gate.passed());
        assertTrue(gate.table().contains("missing from the run"), gate.table());
    }

    @Test
    void theReportComputesGflopsSpeedupsAndPeakShare() throws Exception {
        String peak = String.format(Locale.ROOT, "{ \"benchmark\" : \"tp2.bench.PeakBenchmark.fmaPeak\", \"mode\" : \"avgt\", "
                + "\"threads\" : 1, \"params\" : {}, \"primaryMetric\" : { \"score\" : %s, \"scoreError\" : 0.1, \"scoreUnit\" : \"us/op\" } }",
                PeakBenchmark.FLOPS_PER_CALL / 100e9 * 1e6);   // exactly 100 GFLOP/s
        List<BenchResult> results = new java.util.ArrayList<>(run(1, 1, 1, "20.0"));
        results.addAll(BenchResult.parse("[" + peak + "]"));
        Report report = new Report(results);
        assertEquals(100, report.peakGflops(), 1e-9);
        BenchResult simd = results.get(2);
        assertEquals(2.0 * 128 * 3072 * 100 / 1e-3 / 1e9, Flops.gflops(simd), 1e-9);   // 1000 us
        assertEquals(80, report.speedupOverNaive(simd), 1e-9);
        String md = report.markdown("# test");
        assertTrue(md.contains("| MatmulBenchmark.matmulBias | layer=3072x100 m=128 | simd | 1,000 ± 20.0 us/op | 78.6 | 79% | 80.00x |"), md);
    }
}
