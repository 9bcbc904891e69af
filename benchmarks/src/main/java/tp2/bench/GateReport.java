package tp2.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tp2.kernels.Simd;
import tp2.trainer.SystemInfo;

/**
 * What the gate leaves: {@code gate.txt} (the table and the floors), {@code gate.md} (the same for a
 * pull request) and {@code gate.png} (each delta with its interval, and the threshold).
 */
final class GateReport {
    private GateReport() {}

    /** The table and floors as the terminal shows them, and the verdict. */
    record Written(String text, boolean passed) {}

    /**
     * Writes the files into {@code out} from the decisions, their pairs and the floors' check;
     * returns the text for the terminal, ending in the verdict.
     */
    static Written write(Path out, Map<String, Comparison.Result> results, Map<String, List<GateRounds.Pair>> pairs,
                        Gate floors, String referenceSha, String workingCommit) throws IOException {
        StringBuilder t = new StringBuilder();
        List<GateMarkdown.Row> rows = new ArrayList<>();
        boolean failed = !floors.passed();
        if (!results.isEmpty()) {
            t.append(String.format(Locale.ROOT, "%-28s %14s %14s  %-34s %s%n", "benchmark", "reference", "now",
                    "delta [95% interval]", "verdict"));
            for (Map.Entry<String, Comparison.Result> e : results.entrySet()) {
                Comparison.Result r = e.getValue();
                List<GateRounds.Pair> p = pairs.get(e.getKey());
                String unit = p.get(0).reference().result().unit();
                double reference = GateRounds.median(p, true), now = GateRounds.median(p, false);
                t.append(String.format(Locale.ROOT, "%-28s %14s %14s  %-34s %s (%s)%n", e.getKey(),
                        Report.fmt(reference) + " " + unit, Report.fmt(now) + " " + unit, r.delta(), r.verdict(), r.pairsText()));
                rows.add(new GateMarkdown.Row(e.getKey(), reference, now, unit, r));
                failed |= r.verdict() == Comparison.Verdict.FAIL;
            }
            t.append(String.format(Locale.ROOT, "(reference %s; a slowdown fails when its whole interval is above +%.0f%%)%n%n",
                    referenceSha.substring(0, 10), 100 * Comparison.THRESHOLD));
            Files.write(out.resolve("gate.png"), plot(results));
        }
        t.append(floors.table());
        t.append(System.lineSeparator()).append(failed ? "gate FAILED" : "gate passed");
        Files.writeString(out.resolve("gate.txt"), t + "\n", StandardCharsets.UTF_8);
        String referenceName = referenceSha != null ? referenceSha : "none (not in this clone: the ratio floors alone)";
        Files.writeString(out.resolve("gate.md"), GateMarkdown.render(SystemInfo.cpu() + ", " + Runtime.getRuntime()
                .availableProcessors() + " cores", Simd.describeWithoutJdk(), Runtime.version().toString(), referenceName,
                workingCommit, rows, floors, !failed), StandardCharsets.UTF_8);
        return new Written(t.toString(), !failed);
    }

    /** Each benchmark's delta in percent with its interval, and the threshold. */
    static byte[] plot(Map<String, Comparison.Result> results) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(120 + 45 * results.size())
                .title(String.format(Locale.ROOT, "tp2 gate: working tree vs reference (%s, JDK %d)", SystemInfo.cpu(),
                        Runtime.version().feature()))
                .xAxisTitle("time change, % (95% interval); right of the red line fails").build();
        int i = 0;
        for (Map.Entry<String, Comparison.Result> e : results.entrySet()) {
            Comparison.Result r = e.getValue();
            double y = results.size() - 1 - i++;
            if (Double.isNaN(r.low())) {
                continue;
            }
            XYSeries range = chart.addSeries(e.getKey() + " (" + r.verdict().name().toLowerCase(Locale.ROOT) + ")",
                    new double[] {100 * (r.low() - 1), 100 * (r.ratio() - 1), 100 * (r.high() - 1)}, new double[] {y, y, y});
            range.setMarker(SeriesMarkers.DIAMOND);
        }
        double top = results.size() - 0.5;
        XYSeries limit = chart.addSeries("threshold +" + Math.round(100 * Comparison.THRESHOLD) + "%",
                new double[] {100 * Comparison.THRESHOLD, 100 * Comparison.THRESHOLD}, new double[] {-0.5, top});
        limit.setLineColor(java.awt.Color.RED);
        limit.setMarker(SeriesMarkers.NONE);
        limit.setLineStyle(SeriesLines.DASH_DASH);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisTicksVisible(false);
        chart.getStyler().setYAxisMin(-0.5);
        chart.getStyler().setYAxisMax(top);
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}
