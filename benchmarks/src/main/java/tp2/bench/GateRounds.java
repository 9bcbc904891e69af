package tp2.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gate's rounds and decisions, apart from how a benchmark is run: round after round, each group
 * runs one JMH invocation of each build, back to back, the order alternating by round, so that each
 * pair shares the machine's phase of the moment; {@link Comparison} decides each benchmark from all
 * of its pairs after every round. Benchmarks still inconclusive after {@link #ROUNDS} rounds get
 * more (their whole group runs again), up to {@link #MAX_ROUNDS} or {@link #BUDGET_SECONDS}.
 *
 * <p>{@link GateRun} runs it on JMH; the tests run the same code on recorded forks
 * ({@code GateSimulationTest}), so the false-alarm and detection rates they derive are this code's.
 */
final class GateRounds {
    /** Rounds before a verdict is asked for, and the most any benchmark gets (unless --rounds says otherwise). */
    static final int ROUNDS = 5, MAX_ROUNDS = 12;
    /**
     * No extra round starts after this much of the run: building the reference takes about a
     * minute and a round 75 s, so the first five end near 7 minutes; extra rounds of the
     * inconclusive groups follow up to here (a gate takes 7-12 minutes). GateSimulationTest chose it:
     * with 420 s no extra round ever started and a planted 25% slowdown failed only 33-100% of the
     * simulated gates per benchmark; with 660 s and 12 rounds, 75-100%.
     */
    static final long BUDGET_SECONDS = 660;

    /**
     * One JMH invocation: its benchmarks, parameters, timing and forks. With several forks a
     * benchmark's time is the fastest fork's (each fork's median iteration): short kernels land in
     * a slow JIT mode in some forks (sigmoid: 6.2 us, sometimes 7-10), and the faster of two forks
     * is that mode's cure. {@code jvm} is added to each fork's JVM flags ({@code -jvmArgsPrepend}: the
     * annotation's own list stays) and {@code suffix} to the group's benchmark names.
     */
    record Group(String name, String include, List<String> params, List<String> timing, int forks, List<String> jvm,
                 String suffix) {
        Group(String name, String include, List<String> params, List<String> timing, int forks) {
            this(name, include, params, timing, forks, List.of(), "");
        }
    }

    private static final List<String> SHORT = List.of("-wi", "1", "-w", "300ms", "-i", "3", "-r", "200ms");
    /** The gated benchmarks, by JMH invocation. */
    static final List<Group> GROUPS = List.of(
            new Group("matmuls", "MatmulBenchmark\\.matmul(Bias|GradW)$",
                    List.of("backend=simd,blocked", "m=128", "layer=3072x100", "threads=1"), SHORT, 1),
            new Group("elementwise", "ElementwiseBenchmark\\.(sigmoid|sgdUpdate)$",
                    List.of("backend=simd", "m=128"), SHORT, 2),
            new Group("training pass", "EpochBenchmark\\.epoch$", List.of("backend=simd", "threads=1,2"),
                    List.of("-wi", "1", "-i", "4"), 1),   // the median of 4 passes: 2 left the 1-thread pass the noisiest sample
            // as on an AVX2 machine (16 vector registers, the 4x3 tile), whatever this CPU has
            new Group("matmuls, AVX2", "MatmulBenchmark\\.matmul(Bias|GradW)$",
                    List.of("backend=simd", "m=128", "layer=3072x100", "threads=1"), SHORT, 1,
                    List.of("-jvmArgsPrepend", "-XX:UseAVX=2"), ", AVX2"));
    /** Benchmarks the groups above measure: 4 matmuls, 2 elementwise, 2 training passes, 2 AVX2 matmuls. */
    static final int GATED = 10;
    /** naive, on the working tree in each of the first rounds, for the ratio floors. */
    static final Group NAIVE = new Group("naive, for the floors", "MatmulBenchmark\\.matmul(Bias|GradW)$|ElementwiseBenchmark\\.sigmoid$",
            List.of("backend=naive", "m=128", "layer=3072x100", "threads=1"), SHORT, 1);

    /**
     * One benchmark of one build in one invocation: its JMH result row, and each fork's median
     * iteration in the result's unit. Its time is the fastest fork's.
     */
    record Sample(BenchResult result, double[] forks) {
        double time() {
            return Arrays.stream(forks).min().orElse(result.score());
        }

        /** The result row with the time as its score (what the floors compare). */
        BenchResult asResult() {
            return new BenchResult(result.benchmark(), result.params(), time(), Double.NaN, result.unit(), result.threads(),
                    result.jdk());
        }
    }

    /** A round's two samples of one benchmark: the reference's and the working tree's, back to back. */
    record Pair(Sample reference, Sample workingTree) {}

    /** How the gate's benchmarks run: on JMH ({@link GateRun}), or replayed from a recording (the tests). */
    interface Bench {
        /** Runs {@code group} on both builds back to back, in the order given; the pairs by benchmark key. */
        Map<String, Pair> pair(Group group, boolean referenceFirst) throws Exception;

        /** Runs {@code group} on the working tree alone; its samples by benchmark key. */
        Map<String, Sample> workingTree(Group group) throws Exception;

        /** Seconds since the gate started. */
        long elapsedSeconds();

        /** After each round: its number, the most pairs any benchmark has, how many are inconclusive. */
        default void roundEnded(int round, int pairs, long inconclusive) {}
    }

    private final Bench bench;
    /** Paired samples per gated benchmark key, in round order. */
    final Map<String, List<Pair>> pairs = new LinkedHashMap<>();
    /** The group that runs each gated benchmark, by key. */
    private final Map<String, Group> groupOf = new LinkedHashMap<>();
    /** Per round with floors: naive's and the working tree's results (default JVM flags), all from that round. */
    final List<List<BenchResult>> floorRounds = new ArrayList<>();

    GateRounds(Bench bench) {
        this.bench = bench;
    }

    /**
     * Runs the rounds and returns each gated benchmark's decision. {@code rounds} &gt; 0 runs exactly
     * that many; 0 runs {@link #ROUNDS} and then extra rounds of the inconclusive groups.
     * {@code floors} adds naive on the working tree to each of the first rounds.
     */
    Map<String, Comparison.Result> run(int rounds, boolean floors) throws Exception {
        Map<String, Comparison.Result> results = new LinkedHashMap<>();
        int first = rounds > 0 ? rounds : ROUNDS, most = rounds > 0 ? rounds : MAX_ROUNDS;
        for (int round = 1; round <= most; round++) {
            List<Group> groups = round <= first ? GROUPS : inconclusiveGroups(results);
            if (groups.isEmpty() || (round > first && bench.elapsedSeconds() > BUDGET_SECONDS)) {
                break;
            }
            List<BenchResult> floorRound = new ArrayList<>();
            if (floors && round <= first) {
                bench.workingTree(NAIVE).values().forEach(s -> floorRound.add(s.asResult()));
            }
            for (Group g : groups) {
                for (Map.Entry<String, Pair> e : bench.pair(g, round % 2 == 1).entrySet()) {
                    pairs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                    groupOf.put(e.getKey(), g);
                    if (g.jvm().isEmpty()) {   // the floors are for default flags
                        floorRound.add(e.getValue().workingTree().asResult());
                    }
                }
            }
            if (!floorRound.isEmpty() && floors && round <= first) {
                floorRounds.add(floorRound);
            }
            results = decideAll();
            long open = results.values().stream().filter(r -> r.verdict() == Comparison.Verdict.INCONCLUSIVE).count();
            bench.roundEnded(round, pairs.values().stream().mapToInt(List::size).max().orElse(0), open);
        }
        return results;
    }

    /** Without a reference: one round of naive and the working tree's matmuls and elementwise kernels, for the floors. */
    void floorsAlone() throws Exception {
        List<BenchResult> round = new ArrayList<>();
        for (Group g : List.of(NAIVE, GROUPS.get(0), GROUPS.get(1))) {
            bench.workingTree(g).values().forEach(s -> round.add(s.asResult()));
        }
        floorRounds.add(round);
    }

    /** Each benchmark's decision from all of its pairs. */
    Map<String, Comparison.Result> decideAll() {
        Map<String, Comparison.Result> results = new LinkedHashMap<>();
        for (Map.Entry<String, List<Pair>> e : pairs.entrySet()) {
            double[] a = e.getValue().stream().mapToDouble(p -> p.reference().time()).toArray();
            double[] b = e.getValue().stream().mapToDouble(p -> p.workingTree().time()).toArray();
            results.put(e.getKey(), Comparison.decidePairs(a, b));
        }
        return results;
    }

    private List<Group> inconclusiveGroups(Map<String, Comparison.Result> results) {
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<String, Comparison.Result> e : results.entrySet()) {
            Group g = groupOf.get(e.getKey());
            if (e.getValue().verdict() == Comparison.Verdict.INCONCLUSIVE && g != null && !groups.contains(g)) {
                groups.add(g);
            }
        }
        return groups;
    }

    /** The median time of one side of a benchmark's pairs. */
    static double median(List<Pair> pairs, boolean reference) {
        return Stats.median(pairs.stream().mapToDouble(p -> (reference ? p.reference() : p.workingTree()).time()).toArray());
    }

    // The recording: what --save-pairs writes and GateSimulationTest replays.

    /**
     * Appends one invocation pair of a group to a recording: the round, the group, the seconds it
     * took, and each benchmark's fork times on each side ({@code reference} null for the working
     * tree alone: naive for the floors).
     */
    static void record(ArrayNode recording, int round, Group group, double seconds, Map<String, Sample> reference,
                       Map<String, Sample> workingTree) {
        ObjectNode entry = recording.addObject();
        entry.put("round", round);
        entry.put("group", group.name());
        entry.put("seconds", Math.round(seconds * 10) / 10.0);
        ObjectNode benchmarks = entry.putObject("benchmarks");
        for (Map.Entry<String, Sample> e : workingTree.entrySet()) {
            if (reference != null && !reference.containsKey(e.getKey())) {
                continue;   // a pair needs both sides
            }
            ObjectNode b = benchmarks.putObject(e.getKey());
            b.put("unit", e.getValue().result().unit());
            if (reference != null) {
                Arrays.stream(reference.get(e.getKey()).forks()).forEach(b.putArray("reference")::add);
            }
            Arrays.stream(e.getValue().forks()).forEach(b.putArray("working tree")::add);
        }
    }

    /** One recorded group invocation pair (or a working tree's invocation alone: no reference forks), as {@link #record} wrote it. */
    record Recorded(int round, String group, double seconds, Map<String, double[][]> forks) {
        /** The recorded pairs of a recording, in order. */
        static List<Recorded> read(JsonNode recording) {
            List<Recorded> list = new ArrayList<>();
            for (JsonNode entry : recording) {
                Map<String, double[][]> forks = new LinkedHashMap<>();
                entry.get("benchmarks").fields().forEachRemaining(b -> forks.put(b.getKey(), new double[][] {
                    doubles(b.getValue().path("reference")), doubles(b.getValue().path("working tree"))}));
                list.add(new Recorded(entry.get("round").asInt(), entry.get("group").asText(), entry.get("seconds").asDouble(),
                        forks));
            }
            return list;
        }

        private static double[] doubles(JsonNode array) {
            double[] v = new double[array.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = array.get(i).asDouble();
            }
            return v;
        }
    }
}
