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
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

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
        md.append(String.format(Locale.ROOT, "%nPeak: %s (PeakBenchmark.fmaPeak, this run; a row on "
                + "N threads is compared with N times it). "
                + "\"vs naive\" is naive's time over the row's; \"vs OpenBLAS\" is OpenBLAS's time over the row's "
                + "(1.00x = as fast as OpenBLAS on as many threads).%n",
                Double.isNaN(peak) ? "not measured in this run" : fmt(peak) + " GFLOP/s on one thread"));
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
     * One point of the chart: a series' (backend's, or OpenBLAS's) GFLOP/s for a kernel and shape,
     * and the GFLOP/s at the two ends of its time's error bar: the time t +- e becomes
     * [F / (t + e), F / (t - e)], not GFLOP/s +- a symmetric error; {@code high} is infinite when
     * e >= t (the interval reaches zero time).
     */
    record Point(String series, String category, double gflops, double low, double high) {}

    /** The chart's points, in the order of the run's results; the peak and rows without flops left out. */
    List<Point> chartPoints() {
        List<Point> points = new ArrayList<>();
        for (BenchResult r : results) {
            double gflops = Flops.gflops(r);
            if (Double.isNaN(gflops) || r.shortName().startsWith("PeakBenchmark")) {
                continue;
            }
            String kernel = r.shortName().startsWith("OpenBlasBenchmark")
                    ? (r.method().equals("forward") ? "matmulBias" : "matmulGradW") : r.method();
            String category = kernel + " " + r.param("m") + "x" + r.param("layer")
                    + (r.param("threads") != null && !r.param("threads").equals("1") ? " " + r.param("threads") + "T" : "");
            String series = r.param("backend") != null ? r.param("backend") : "OpenBLAS";
            double t = r.score(), e = Double.isNaN(r.error()) ? 0 : Math.abs(r.error());
            double low = gflops * t / (t + e);
            double high = e < t ? gflops * t / (t - e) : Double.POSITIVE_INFINITY;
            points.add(new Point(series, category, gflops, low, high));
        }
        return points;
    }

    /** Colors by series, so that a backend keeps its color from chart to chart. */
    private static final Map<String, Color> COLORS = Map.of("naive", new Color(0x80, 0x80, 0x80),
            "blocked", new Color(0xE6, 0x9F, 0x00), "simd", new Color(0x00, 0x72, 0xB2), "OpenBLAS", new Color(0x00, 0x9E, 0x73));

    /**
     * GFLOP/s of the matmul kernels per backend, with OpenBLAS as one more series, on a log scale
     * (naive is some 60 times slower than simd): a dot per result and a vertical line over its
     * error bar ({@link #chartPoints()}), the series side by side within each kernel and shape.
     */
    public byte[] chart(String title) throws IOException {
        List<Point> points = chartPoints();
        XYChart chart = new XYChartBuilder().width(1100).height(600).title(title).xAxisTitle("kernel and shape")
                .yAxisTitle("GFLOP/s (log scale; lines: JMH's 99.9% error of the time)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        if (points.isEmpty()) {   // nothing to draw (a run of the peak alone, say): an empty chart says so
            chart.setTitle(title + ": no matmul results in this run");
            chart.addSeries("none", new double[] {1}, new double[] {1}).setMarker(SeriesMarkers.NONE);
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        }
        List<String> categories = new ArrayList<>();
        List<String> series = new ArrayList<>();
        double floor = Double.MAX_VALUE, top = 0;
        for (Point p : points) {
            if (!categories.contains(p.category())) {
                categories.add(p.category());
            }
            if (!series.contains(p.series())) {
                series.add(p.series());
            }
            floor = Math.min(floor, p.low());
            top = Math.max(top, Double.isInfinite(p.high()) ? p.gflops() : p.high());
        }
        floor /= 2;
        top *= 2;
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(floor);
        chart.getStyler().setYAxisMax(top);
        chart.getStyler().setXAxisMin(0.5);
        chart.getStyler().setXAxisMax(categories.size() + 0.5);
        // categories sit at x = 1, 2, ...: named by a label under each (XChart's tick-label function
        // on an XY chart drops the axes' labels), no x ticks or vertical grid
        chart.getStyler().setXAxisTicksVisible(false);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        for (int c = 0; c < categories.size(); c++) {
            chart.addAnnotation(new AnnotationText(categories.get(c), c + 1, floor * 1.25, false));
        }
        double step = 0.6 / Math.max(1, series.size());
        for (int s = 0; s < series.size(); s++) {
            String name = series.get(s);
            Color color = COLORS.getOrDefault(name, Color.BLACK);
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            int k = 0;
            for (Point p : points) {
                if (!p.series().equals(name)) {
                    continue;
                }
                double x = categories.indexOf(p.category()) + 1 + (s - (series.size() - 1) / 2.0) * step;
                xs.add(x);
                ys.add(p.gflops());
                XYSeries bar = chart.addSeries(name + " error " + k++, new double[] {x, x},
                        new double[] {p.low(), Math.min(p.high(), top)});
                bar.setShowInLegend(false);
                bar.setMarker(SeriesMarkers.NONE);
                bar.setLineColor(color);
                bar.setLineStyle(new BasicStroke(2f));
            }
            XYSeries dots = chart.addSeries(name, xs, ys);
            dots.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            dots.setMarker(SeriesMarkers.CIRCLE);
            dots.setMarkerColor(color);
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    public void write(Path dir, String header, String machine) throws IOException {
        Files.writeString(dir.resolve("report.md"), markdown(header), StandardCharsets.UTF_8);
        Files.write(dir.resolve("report.png"), chart("GFLOP/s by kernel and backend: " + machine));
    }
}
