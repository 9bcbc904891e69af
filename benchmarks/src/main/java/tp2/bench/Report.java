package tp2.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The markdown table and bar chart of a JMH run: per kernel and backend, score +- error, GFLOP/s,
 * % of the FMA peak measured in the same run, speed-up over naive and ratio to OpenBLAS.
 */
public final class Report {
    private final List<BenchResult> results;

    public Report(List<BenchResult> results) {
        this.results = results;
    }

    /** GFLOP/s of the one-thread FMA peak in this run, or NaN when it was not run. */
    public double peakGflops() {
        return results.stream().filter(r -> r.shortName().equals("PeakBenchmark.fmaPeak")).mapToDouble(Flops::gflops)
                .findFirst().orElse(Double.NaN);
    }

    BenchResult find(String shortName, Map<String, String> params) {
        for (BenchResult r : results) {
            if (r.shortName().equals(shortName) && r.params().entrySet().containsAll(params.entrySet())) {
                return r;
            }
        }
        return null;
    }

    /** naive's time over this one's for the same kernel and shape, or NaN. */
    double speedupOverNaive(BenchResult r) {
        if (r.param("backend") == null) {
            return Double.NaN;
        }
        Map<String, String> params = new LinkedHashMap<>(r.params());
        params.put("backend", "naive");
        BenchResult naive = find(r.shortName(), params);
        return naive == null ? Double.NaN : naive.secondsPerCall() / r.secondsPerCall();
    }

    /** OpenBLAS's time over this one's on as many threads (1 = as fast as OpenBLAS), or NaN. */
    double ratioToOpenBlas(BenchResult r) {
        String twin = Flops.openBlasTwin(r);
        if (twin == null) {
            return Double.NaN;
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("m", r.param("m"));
        params.put("layer", r.param("layer"));
        params.put("threads", r.param("threads") != null ? r.param("threads") : "1");
        BenchResult blas = find(twin, params);
        return blas == null ? Double.NaN : blas.secondsPerCall() / r.secondsPerCall();
    }

    public String markdown(String header) {
        double peak = peakGflops();
        StringBuilder md = new StringBuilder(header).append("\n\n");
        md.append("| kernel | shape | backend | time per call | GFLOP/s | % of peak | vs naive | vs OpenBLAS |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (BenchResult r : results) {
            double gflops = Flops.gflops(r);
            String name = r.shortName();
            String time = String.format(Locale.ROOT, "%s ± %s %s", fmt(r.score()), Double.isNaN(r.error()) ? "?" : fmt(r.error()),
                    r.unit());
            String extra = "";
            if (name.equals("EpochBenchmark.epoch")) {
                extra = String.format(Locale.ROOT, " (%,.0f img/s)", Workload.IMAGES / r.secondsPerCall());
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s%s | %s | %s | %s | %s |%n", name, r.shapeKey(),
                    r.param("backend") == null ? "—" : r.param("backend"), time, extra, fmt(gflops),
                    Double.isNaN(gflops) || Double.isNaN(peak) ? ""
                            : String.format(Locale.ROOT, "%.0f%%", 100 * gflops / (peak * threadsOf(r))),
                    ratio(speedupOverNaive(r)), ratio(ratioToOpenBlas(r))));
        }
        md.append(String.format(Locale.ROOT, "%nPeak: %s GFLOP/s on one thread (PeakBenchmark.fmaPeak, this run; a row on "
                + "N threads is compared with N times it). "
                + "\"vs naive\" is naive's time over the row's; \"vs OpenBLAS\" is OpenBLAS's time over the row's "
                + "(1.00x = as fast as OpenBLAS on as many threads).%n", fmt(peak)));
        return md.toString();
    }

    /** Threads a row ran on: its {@code threads} parameter (ParallelKernels, OpenBLAS), else JMH's thread count. */
    static int threadsOf(BenchResult r) {
        String param = r.param("threads");
        return param != null ? Integer.parseInt(param) : r.threads();
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2fx", v);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3g", v);
    }

    /**
     * GFLOP/s of the matmul kernels per backend, with OpenBLAS as one more series, on a log scale
     * (naive is some 60 times slower than simd) with each result's error bar.
     */
    public byte[] chart(String title) throws IOException {
        Map<String, Map<String, double[]>> series = new LinkedHashMap<>();   // backend -> category -> {GFLOP/s, error}
        List<String> categories = new ArrayList<>();
        for (BenchResult r : results) {
            double gflops = Flops.gflops(r);
            if (Double.isNaN(gflops) || r.shortName().startsWith("PeakBenchmark")) {
                continue;
            }
            String kernel = r.shortName().startsWith("OpenBlasBenchmark")
                    ? (r.method().equals("forward") ? "matmulBias" : "matmulGradW") : r.method();
            String category = kernel + " " + r.param("m") + "x" + r.param("layer")
                    + (r.param("threads") != null && !r.param("threads").equals("1") ? " " + r.param("threads") + "T" : "");
            if (!categories.contains(category)) {
                categories.add(category);
            }
            String name = r.param("backend") != null ? r.param("backend") : "OpenBLAS";
            double error = Double.isNaN(r.error()) ? 0 : gflops * r.error() / r.score();
            series.computeIfAbsent(name, s -> new LinkedHashMap<>()).put(category, new double[] {gflops, error});
        }
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(600).title(title).xAxisTitle("kernel and shape")
                .yAxisTitle("GFLOP/s (log scale; bars: JMH's 99.9% error)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(20);
        if (categories.isEmpty()) {   // nothing to draw (a run of the peak alone, say): an empty chart says so
            chart.setTitle(title + ": no matmul results in this run");
            chart.addSeries("none", List.of("no matmul results"), List.of(0.0));
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        }
        // a log axis must start above zero (bars would start at 0): half the lowest bar's error-bar end
        double floor = Double.MAX_VALUE, top = 0;
        for (Map<String, double[]> bars : series.values()) {
            for (double[] v : bars.values()) {
                floor = Math.min(floor, v[0] - Math.min(v[1], 0.9 * v[0]));
                top = Math.max(top, v[0] + v[1]);
            }
        }
        floor /= 2;
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(floor);
        chart.getStyler().setYAxisMax(top * 1.5);
        for (Map.Entry<String, Map<String, double[]>> s : series.entrySet()) {
            List<Double> values = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (String c : categories) {
                double[] v = s.getValue().get(c);
                values.add(v == null ? floor : v[0]);   // a missing bar: down at the axis, invisible
                errors.add(v == null ? 0.0 : Math.min(v[1], 0.9 * v[0]));
            }
            chart.addSeries(s.getKey(), categories, values, errors);
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    public void write(Path dir, String header, String machine) throws IOException {
        Files.writeString(dir.resolve("report.md"), markdown(header), StandardCharsets.UTF_8);
        Files.write(dir.resolve("report.png"), chart("tp2-kernels: GFLOP/s per kernel and backend (" + machine + ")"));
    }
}
