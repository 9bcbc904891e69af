package tp2.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The gate's benchmarks on JMH: one invocation per group and build, each in its own JVMs, with
 * JMH's output in the gate's log. Each benchmark's sample keeps every fork's median iteration.
 * With {@code recording} set, every pair is also appended to it (what {@code --save-pairs} writes).
 */
final class GateJmh implements GateRounds.Bench {
    private final Path home;
    private final Path out;
    private final Path reference;
    private final Path workingTree;
    private final LoggedCommands commands;
    private final ArrayNode recording;
    private final Consumer<String> say;
    private final long start;
    private int round;

    /** {@code reference} may be null when there is none (then only {@link #workingTree} runs). */
    /** {@code start} is when the gate started ({@link System#nanoTime}): its budget counts from there. */
    GateJmh(Path home, Path out, Path reference, LoggedCommands commands, ArrayNode recording, long start,
            Consumer<String> say) {
        this.start = start;
        this.say = say;
        this.home = home;
        this.out = out;
        this.reference = reference;
        this.workingTree = home.resolve("benchmarks/target/benchmarks.jar");
        this.commands = commands;
        this.recording = recording;
    }

    @Override
    public Map<String, GateRounds.Pair> pair(GateRounds.Group group, boolean referenceFirst) throws Exception {
        long t0 = System.nanoTime();
        Map<String, GateRounds.Sample> a = run(group, referenceFirst ? reference : workingTree);
        Map<String, GateRounds.Sample> b = run(group, referenceFirst ? workingTree : reference);
        Map<String, GateRounds.Sample> ref = referenceFirst ? a : b, now = referenceFirst ? b : a;
        Map<String, GateRounds.Pair> pairs = new LinkedHashMap<>();
        for (Map.Entry<String, GateRounds.Sample> e : ref.entrySet()) {
            GateRounds.Sample w = now.get(e.getKey());
            if (w != null) {
                pairs.put(e.getKey(), new GateRounds.Pair(e.getValue(), w));
            }
        }
        if (recording != null) {
            GateRounds.record(recording, round + 1, group, (System.nanoTime() - t0) / 1e9, ref, now);
        }
        return pairs;
    }

    @Override
    public Map<String, GateRounds.Sample> workingTree(GateRounds.Group group) throws Exception {
        long t0 = System.nanoTime();
        Map<String, GateRounds.Sample> samples = run(group, workingTree);
        if (recording != null) {
            GateRounds.record(recording, round + 1, group, (System.nanoTime() - t0) / 1e9, null, samples);
        }
        return samples;
    }

    @Override
    public long elapsedSeconds() {
        return (System.nanoTime() - start) / 1_000_000_000L;
    }

    @Override
    public void roundEnded(int round, int pairs, long inconclusive) {
        this.round = round;
        say.accept(String.format(Locale.ROOT, "gate: round %d: %d pairs so far, %d inconclusive (%d s)", round, pairs,
                inconclusive, elapsedSeconds()));
    }

    /** Runs one JMH invocation of {@code group} on {@code jar}; each benchmark's sample by key. */
    private Map<String, GateRounds.Sample> run(GateRounds.Group group, Path jar) throws Exception {
        Path json = Files.createTempFile(out, "fork", ".json");
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", jar.toString(), "org.openjdk.jmh.Main", group.include()));
            for (String p : group.params()) {
                cmd.add("-p");
                cmd.add(p);
            }
            cmd.addAll(group.timing());
            cmd.addAll(group.jvm());
            cmd.addAll(List.of("-f", Integer.toString(group.forks()), "-foe", "true", "-rf", "json", "-rff", json.toString()));
            commands.run(cmd, home, "JMH (" + group.name() + ")");
            Map<String, GateRounds.Sample> samples = new LinkedHashMap<>();
            List<BenchResult> results = BenchResult.read(json);
            JsonNode tree = Gate.JSON.readTree(json.toFile());
            for (int i = 0; i < results.size(); i++) {
                BenchResult r = results.get(i);
                samples.put(key(r) + group.suffix(), new GateRounds.Sample(r, forkMedians(tree.get(i).path("primaryMetric")
                        .path("rawData"), r.score())));
            }
            return samples;
        } finally {
            Files.deleteIfExists(json);
        }
    }

    /** Each fork's median iteration from JMH's raw data (one array per fork); {@code fallback} alone without any. */
    static double[] forkMedians(JsonNode rawData, double fallback) {
        List<Double> medians = new ArrayList<>();
        for (JsonNode fork : rawData) {
            double[] v = new double[fork.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = fork.get(i).asDouble();
            }
            if (v.length > 0) {
                medians.add(Stats.median(v));
            }
        }
        return medians.isEmpty() ? new double[] {fallback} : medians.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A gated benchmark's name: method, backend and thread count. */
    static String key(BenchResult r) {
        String threads = r.param("threads");
        String name = r.shortName().equals("EpochBenchmark.epoch") ? "training pass" : r.method();
        return name + " " + r.param("backend") + (r.shortName().startsWith("EpochBenchmark")
                ? ", " + threads + (threads.equals("1") ? " thread" : " threads") : "");
    }
}
