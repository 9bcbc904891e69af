package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The bench report's numbers: each error bar spans the GFLOP/s of its time's interval; the peak line says when it is missing. */
class ReportTest {
    /** JMH's JSON row for a 128 x 3072 -> 100 forward matmul. */
    static String matmul(String backend, double us, double error) {
        return String.format(Locale.ROOT, "{ \"benchmark\" : \"tp2.bench.MatmulBenchmark.matmulBias\", \"mode\" : \"avgt\", "
                + "\"threads\" : 1, \"forks\" : 1, \"jdkVersion\" : \"17.0.15\", \"params\" : { \"backend\" : \"%s\", "
                + "\"hidden\" : \"100\", \"layer\" : \"3072x100\", \"m\" : \"128\", \"threads\" : \"1\" }, "
                + "\"primaryMetric\" : { \"score\" : %s, \"scoreError\" : %s, \"scoreUnit\" : \"us/op\" } }", backend, us, error);
    }

    @Test
    void errorBarsSpanTheGflopsOfTheTimesInterval() throws Exception {
        // the rows of the issue: naive 35,431 +- 2,892 us (8%), blocked +- 43%, simd +- 6%
        Report report = new Report(BenchResult.parse("[" + String.join(",", matmul("naive", 35_431, 2_892),
                matmul("blocked", 6_800, 2_924), matmul("simd", 560, 33.6)) + "]"));
        List<Report.Point> points = report.chartPoints();
        assertEquals(3, points.size());
        double flops = 2.0 * 128 * 3072 * 100;
        Report.Point naive = points.get(0);
        assertEquals("naive", naive.series());
        assertEquals("matmulBias 128x3072x100", naive.category());
        assertEquals(flops / 35_431e3, naive.gflops(), 1e-9);
        assertEquals(flops / (35_431e3 + 2_892e3), naive.low(), 1e-9);    // 2.05 GFLOP/s
        assertEquals(flops / (35_431e3 - 2_892e3), naive.high(), 1e-9);   // 2.42 GFLOP/s
        assertTrue(naive.low() > 2.0 && naive.high() < 2.5, naive.toString());
        Report.Point blocked = points.get(1);
        assertEquals(flops / (6_800e3 + 2_924e3), blocked.low(), 1e-9);
        assertEquals(flops / (6_800e3 - 2_924e3), blocked.high(), 1e-9);
        Report.Point simd = points.get(2);
        assertTrue(simd.low() > 0.94 * simd.gflops() && simd.high() < 1.07 * simd.gflops(), simd.toString());
    }

    @Test
    void anErrorAsLargeAsTheTimeHasNoUpperEndAndTheChartStillDraws() throws Exception {
        Report report = new Report(BenchResult.parse("[" + matmul("simd", 500, 600) + "]"));
        Report.Point p = report.chartPoints().get(0);
        assertTrue(Double.isInfinite(p.high()), p.toString());
        assertEquals(p.gflops() * 500 / 1100, p.low(), 1e-9);
        var image = ImageIO.read(new ByteArrayInputStream(report.chart("test")));
        assertEquals(1100, image.getWidth());
    }

    @Test
    void aRunWithoutThePeakSaysSoInsteadOfABlank() throws Exception {
        Report report = new Report(BenchResult.parse("[" + matmul("simd", 560, 33.6) + "]"));
        String md = report.markdown("# header");
        assertTrue(md.contains("Peak: not measured in this run"), md);
        assertTrue(md.contains("| simd | 560 ± 33.6 us/op | 140 |  |"), md);
    }
}
