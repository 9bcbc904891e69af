package tp2.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of JMH's JSON result file: benchmark, parameters, score and error (time per call).
 * JMH writes the error as the string "NaN" when there are too few iterations for one; that reads
 * as {@code Double.NaN} here.
 */
public record BenchResult(String benchmark, Map<String, String> params, double score, double error, String unit,
                          int threads, String jdk) {

    /** "MatmulBenchmark.matmulBias" from "tp2.bench.MatmulBenchmark.matmulBias". */
    public String shortName() {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
    }

    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    public String param(String name) {
        return params.get(name);
    }

    /** Parameters other than the backend, as "layer=3072x100 m=128". */
    public String shapeKey() {
        StringBuilder key = new StringBuilder();
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (!p.getKey().equals("backend")) {
                key.append(key.length() == 0 ? "" : " ").append(p.getKey()).append('=').append(p.getValue());
            }
        }
        return key.toString();
    }

    /** Time per call in seconds, from the score in its unit (us/op, ms/op, s/op, ns/op). */
    public double secondsPerCall() {
        return score * unitSeconds(unit);
    }

    static double unitSeconds(String unit) {
        switch (unit) {
            case "ns/op":
                return 1e-9;
            case "us/op":
                return 1e-6;
            case "ms/op":
                return 1e-3;
            case "s/op":
                return 1;
            default:
                throw new IllegalArgumentException("unsupported JMH unit " + unit + " (use a time per operation)");
        }
    }

    /** The results in a JMH JSON file; a file that is not one is an IOException naming it, in one line. */
    public static List<BenchResult> read(Path json) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(json + ": not JSON (" + e.getOriginalMessage() + ", line " + e.getLocation().getLineNr() + ")");
        }
        try {
            return parse(root);
        } catch (IOException e) {
            throw new IOException(json + ": " + e.getMessage());
        }
    }

    public static List<BenchResult> parse(String json) throws IOException {
        return parse(new ObjectMapper().readTree(json));
    }

    /**
     * The rows of a JMH JSON result: an array of objects, each with a benchmark name and a primary
     * metric that has a score unit; anything else is an IOException saying which row lacks what.
     */
    static List<BenchResult> parse(JsonNode root) throws IOException {
        if (root == null || !root.isArray()) {
            throw new IOException("not a JMH result file: expected a JSON array of results");
        }
        List<BenchResult> results = new ArrayList<>();
        for (JsonNode run : root) {
            String lacks = !run.isObject() ? "is not an object"
                    : !run.path("benchmark").isTextual() ? "has no benchmark name"
                    : !run.path("primaryMetric").isObject() ? "has no primaryMetric"
                    : !run.path("primaryMetric").path("scoreUnit").isTextual() ? "has no primaryMetric.scoreUnit" : null;
            if (lacks != null) {
                throw new IOException("not a JMH result file: result " + (results.size() + 1) + " " + lacks);
            }
            Map<String, String> params = new TreeMap<>();
            JsonNode p = run.get("params");
            if (p != null) {
                p.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
            }
            JsonNode metric = run.get("primaryMetric");
            results.add(new BenchResult(run.get("benchmark").asText(), params, number(metric.get("score")),
                    number(metric.get("scoreError")), metric.get("scoreUnit").asText(),
                    run.has("threads") ? run.get("threads").asInt() : 1,
                    run.has("jdkVersion") ? run.get("jdkVersion").asText() : "?"));
        }
        return results;
    }

    private static double number(JsonNode node) {
        if (node == null || node.isNull()) {
            return Double.NaN;
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        try {
            return Double.parseDouble(node.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
