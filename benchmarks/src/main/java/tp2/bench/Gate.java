package tp2.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The performance regression gate. Two checks on one JMH run:
 * <ol>
 * <li>ratio floors, within the run: for each entry of the floors file, naive's time over the
 *     backend's time for a kernel must stay at or above the floor (the value measured when the
 *     floor was set is kept beside it). These hold on any machine that runs the gate.</li>
 * <li>the baseline, across runs: each score (blocked and simd; naive is only the floors' reference,
 *     and its strided loops are the noisiest rows) may be slower than the checked-in baseline by at most
 *     the larger of {@link #THRESHOLD} and the two error bars combined; compared only when the
 *     JDK feature version and the vector width match the baseline's, otherwise skipped with a
 *     line that says so.</li>
 * </ol>
 * A result the gate needs but the run lacks is a failure. An error bar JMH could not compute
 * ("NaN") counts as zero, leaving the threshold alone.
 */
public final class Gate {
    /**
     * A slowdown past this fraction of the baseline fails (unless the error bars are wider). Wide
     * because this 2-core VM's host slows whole runs down by phases: in CI on 2026-11-27 naive and
     * blocked were both 1.5-2x slower than an hour earlier, with the ratios between them unchanged
     * (blocked forward +57% and +34% in two runs). So the baseline catches losses of the size of a
     * lost register block or vector path; the ratio floors, measured within one run, do the rest.
     */
    public static final double THRESHOLD = 0.75;
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One checked line of the table. */
    public record Line(String check, String what, String expected, String measured, Status status) {}

    public enum Status { PASS, FAIL, SKIP }

    /** Where the gate runs: JDK feature version and vector bits. */
    public record Runner(int jdk, int vectorBits) {}

    private final List<Line> lines = new ArrayList<>();

    public List<Line> lines() {
        return lines;
    }

    public boolean passed() {
        return lines.stream().noneMatch(l -> l.status() == Status.FAIL);
    }

    /** Checks {@code results} against the floors and the baseline; returns this gate with its lines. */
    public static Gate check(List<BenchResult> results, JsonNode floors, JsonNode baseline, Runner runner) {
        Gate gate = new Gate();
        Report report = new Report(results);
        for (JsonNode floor : floors.get("floors")) {
            String kernel = floor.get("kernel").asText();
            String backend = floor.get("backend").asText();
            Map<String, String> params = params(floor.get("params"));
            params.put("backend", backend);
            BenchResult r = report.find(kernel, params);
            String what = kernel + " " + backend + "/naive " + params(floor.get("params"));
            String expected = String.format(Locale.ROOT, ">= %.1fx (measured %.1fx when set)",
                    floor.get("floor").asDouble(), floor.get("measured").asDouble());
            double ratio = r == null ? Double.NaN : report.speedupOverNaive(r);
            if (Double.isNaN(ratio)) {
                gate.lines.add(new Line("ratio", what, expected, "missing from the run", Status.FAIL));
            } else {
                gate.lines.add(new Line("ratio", what, expected, String.format(Locale.ROOT, "%.1fx", ratio),
                        ratio >= floor.get("floor").asDouble() ? Status.PASS : Status.FAIL));
            }
        }
        int baseJdk = baseline.get("jdk").asInt();
        int baseBits = baseline.get("vectorBits").asInt();
        if (baseJdk != runner.jdk() || baseBits != runner.vectorBits()) {
            gate.lines.add(new Line("baseline", "all scores", "JDK " + baseJdk + ", " + baseBits + "-bit vectors",
                    "JDK " + runner.jdk() + ", " + runner.vectorBits() + "-bit: skipped, not comparable", Status.SKIP));
            return gate;
        }
        for (JsonNode b : baseline.get("results")) {
            String name = b.get("benchmark").asText();
            Map<String, String> params = params(b.get("params"));
            BenchResult r = report.find(name, params);
            double base = b.get("score").asDouble();
            double baseError = errorOrZero(b.get("error").asDouble());
            String what = name + " " + params;
            String unit = b.get("unit").asText();
            String expected = String.format(Locale.ROOT, "%s ± %s %s", Report.fmt(base), Report.fmt(baseError), unit);
            if (r == null) {
                gate.lines.add(new Line("baseline", what, expected, "missing from the run", Status.FAIL));
                continue;
            }
            double now = r.score() * BenchResult.unitSeconds(r.unit()) / BenchResult.unitSeconds(unit);
            double nowError = errorOrZero(r.error()) * BenchResult.unitSeconds(r.unit()) / BenchResult.unitSeconds(unit);
            double allowed = Math.max(THRESHOLD, (baseError + nowError) / base);
            double slowdown = now / base - 1;
            String measured = String.format(Locale.ROOT, "%s ± %s (%+.0f%%, allowed +%.0f%%)", Report.fmt(now),
                    Double.isNaN(r.error()) ? "?" : Report.fmt(nowError), 100 * slowdown, 100 * allowed);
            gate.lines.add(new Line("baseline", what, expected, measured, slowdown <= allowed ? Status.PASS : Status.FAIL));
        }
        return gate;
    }

    private static double errorOrZero(double error) {
        return Double.isNaN(error) ? 0 : error;
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
        t.append(failed == 0 ? "gate passed" : "gate FAILED: " + failed + " check(s)");
        return t.toString();
    }

    /** A baseline file holding every result of {@code results}, for this runner. */
    public static ObjectNode baselineOf(List<BenchResult> results, Runner runner, String date) {
        ObjectNode root = JSON.createObjectNode();
        root.put("jdk", runner.jdk());
        root.put("vectorBits", runner.vectorBits());
        root.put("date", date);
        root.put("note", "written by ./tp2 bench --check --update-baseline; lower times are better");
        ArrayNode list = root.putArray("results");
        for (BenchResult r : results) {
            if (r.shortName().startsWith("PeakBenchmark") || "naive".equals(r.param("backend"))) {
                continue;   // the machine's ceiling, and the reference whose speed only the floors use
            }
            ObjectNode o = list.addObject();
            o.put("benchmark", r.shortName());
            ObjectNode p = o.putObject("params");
            new LinkedHashMap<>(r.params()).forEach(p::put);
            o.put("score", r.score());
            o.put("error", Double.isNaN(r.error()) ? 0 : r.error());
            o.put("unit", r.unit());
        }
        return root;
    }

    public static JsonNode read(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }
}
