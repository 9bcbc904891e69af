package tp2.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The files of a run folder: metrics.csv and metrics.json after every epoch, curves.png when the run
 * ends, run.json at its start and end; each replaced atomically.
 */
final class RunFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The name a damaged metrics.csv is kept under before a resumed run rewrites it. */
    static final String DAMAGED = "metrics.csv.damaged";

    private final Path dir;
    private Path damagedCopy;

    RunFiles(Path dir) {
        this.dir = dir;
    }

    /**
     * Rows of an existing metrics.csv up to and including {@code lastEpoch} (for a resumed run). A
     * line that does not parse cannot be carried into the rewritten file, so the file as it was is
     * first kept beside it as {@link #DAMAGED} ({@link #damagedCopy()} says so): nothing is lost.
     */
    List<EpochMetrics> readHistory(int lastEpoch) throws IOException {
        Path csv = dir.resolve("metrics.csv");
        List<EpochMetrics> rows = new ArrayList<>();
        if (!Files.exists(csv)) {
            return rows;
        }
        boolean damaged = false;
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("epoch")) {
                continue;
            }
            try {
                EpochMetrics row = EpochMetrics.parseCsv(line);
                if (row.epoch() <= lastEpoch) {
                    rows.add(row);
                }
            } catch (RuntimeException e) {
                damaged = true;
            }
        }
        if (damaged) {
            damagedCopy = dir.resolve(DAMAGED);
            Files.copy(csv, damagedCopy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return rows;
    }

    /** Where {@link #readHistory} kept a metrics.csv with lines it could not read, or null. */
    Path damagedCopy() {
        return damagedCopy;
    }

    void writeMetrics(List<EpochMetrics> history) throws IOException {
        StringBuilder csv = new StringBuilder(EpochMetrics.CSV_HEADER).append('\n');
        for (EpochMetrics row : history) {
            csv.append(row.csv()).append('\n');
        }
        replace("metrics.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        replace("metrics.json", JSON.writeValueAsBytes(history));
    }

    /**
     * curves.png, drawn once when a run ends rather than after every epoch: drawing it starts the JIT
     * on a few hundred methods of the charting and imaging code, and on a 2-core machine those
     * compilations took the cores from the next epoch (two threads: 0.51-0.66 s an epoch with it,
     * 0.41-0.49 without; docs/performance.md).
     */
    void writePlot(List<EpochMetrics> history) throws IOException {
        replace("curves.png", plot(history));
    }

    void writeRun(Map<String, Object> run) throws IOException {
        replace("run.json", JSON.writeValueAsBytes(run));
    }

    /** Loss (left axis) and both accuracies in percent (right axis) against the epoch; the legend below the plot. */
    static byte[] plot(List<EpochMetrics> history) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(520).title("TP2 training").xAxisTitle("epoch")
                .yAxisTitle("loss").build();
        double[] epochs = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        XYSeries loss = chart.addSeries("loss (left)", epochs, history.stream().mapToDouble(EpochMetrics::loss).toArray());
        loss.setMarker(SeriesMarkers.CIRCLE);
        XYSeries train = chart.addSeries("train accuracy % (right)", epochs,
                history.stream().mapToDouble(r -> 100 * r.trainAccuracy()).toArray());
        XYSeries test = chart.addSeries("test accuracy % (right)", epochs,
                history.stream().mapToDouble(r -> 100 * r.testAccuracy()).toArray());
        train.setYAxisGroup(1);
        test.setYAxisGroup(1);
        train.setMarker(SeriesMarkers.DIAMOND);
        test.setMarker(SeriesMarkers.SQUARE);
        chart.setYAxisGroupTitle(0, "loss");
        chart.setYAxisGroupTitle(1, "accuracy (%)");
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    private void replace(String name, byte[] content) throws IOException {
        tp2.data.SafeFiles.writeAtomically(dir.resolve(name), content, false);
    }
}
