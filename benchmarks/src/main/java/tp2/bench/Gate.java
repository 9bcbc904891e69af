package tp2.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ratio floors of the regression gate, the machine-independent second line beside the A/B
 * comparison ({@link GateRun}): for each entry of the floors file, naive's time over the backend's
 * time for a kernel, within one run, must stay at or above the floor (the value measured when the
 * floor was set is kept beside it). A result the check needs but the run lacks is a failure.
 */
public final class Gate {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One checked line of the table. */
    public record Line(String check, String what, String expected, String measured, Status status) {}

    public enum Status { PASS, FAIL, SKIP }

    private final List<Line> lines = new ArrayList<>();

    public List<Line> lines() {
        return lines;
    }

    public boolean passed() {
        return lines.stream().noneMatch(l -> l.status() == Status.FAIL);
    }

    /** Checks the results of one run against the floors; returns this gate with its lines. */
    public static Gate checkFloors(List<BenchResult> results, JsonNode floors) {
        return checkFloorsByRound(List.of(results), floors);
    }

    /**
     * Checks rounds of results against the floors: each ratio is taken within a round (naive and the
     * backend measured minutes apart would mix the machine's phases), and the median over the rounds
     * that have both is compared with the floor.
     */
    public static Gate checkFloorsByRound(List<List<BenchResult>> rounds, JsonNode floors) {
        Gate gate = new Gate();
        List<Report> reports = rounds.stream().map(Report::new).toList();
        for (JsonNode floor : floors.get("floors")) {
            String kernel = floor.get("kernel").asText();
            String backend = floor.get("backend").asText();
            Map<String, String> params = params(floor.get("params"));
            params.put("backend", backend);
            String what = kernel + " " + backend + "/naive " + params(floor.get("params"));
            String expected = String.format(Locale.ROOT, ">= %.1fx (measured %.1fx when set)",
                    floor.get("floor").asDouble(), floor.get("measured").asDouble());
            double[] ratios = reports.stream().mapToDouble(report -> {
                BenchResult r = report.find(kernel, params);
                return r == null ? Double.NaN : report.speedupOverNaive(r);
            }).filter(x -> !Double.isNaN(x)).toArray();
            if (ratios.length == 0) {
                gate.lines.add(new Line("ratio", what, expected, "missing from the run", Status.FAIL));
            } else {
                double ratio = Stats.median(ratios);
                String measured = String.format(Locale.ROOT, "%.1fx", ratio) + (ratios.length > 1
                        ? String.format(Locale.ROOT, " (median of %d rounds)", ratios.length) : "");
                gate.lines.add(new Line("ratio", what, expected, measured,
                        ratio >= floor.get("floor").asDouble() ? Status.PASS : Status.FAIL));
            }
        }
        return gate;
    }

    private static Map<String, String> params(JsonNode node) {
        Map<String, String> params = new TreeMap<>();
        if (node != null) {
            node.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        }
        return params;
    }

    public String table() {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%-6s %-8s %-70s %-40s %s%n", "status", "check",
                "what", "expected", "measured"));
        for (Line l : lines) {
            t.append(String.format(Locale.ROOT, "%-6s %-8s %-70s %-40s %s%n", l.status(), l.check(), l.what(),
                    l.expected(), l.measured()));
        }
        long failed = lines.stream().filter(l -> l.status() == Status.FAIL).count();
        t.append(failed == 0 ? "ratio floors passed" : "ratio floors FAILED: " + failed + " check(s)");
        return t.toString();
    }

    public static JsonNode read(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }
}
