package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The gate's rounds on a synthetic bench: which groups run when, in which order, and what the floors get. */
class GateRoundsTest {
    /** Ratios that never decide: about +8%, with an interval that reaches past +10%, and no slow-mode sample. */
    static final double[] NOISY = {1.0, 1.07, 1.14};

    /** Times by key from a rule; counts what ran and keeps a clock of {@code secondsPerGroup} a pair. */
    static final class Synthetic implements GateRounds.Bench {
        final List<String> calls = new ArrayList<>();
        final ToDoubleFunction<String> ratio;   // working tree over reference, by key (may vary per call)
        final double secondsPerGroup;
        double clock;

        Synthetic(ToDoubleFunction<String> ratio, double secondsPerGroup) {
            this.ratio = ratio;
            this.secondsPerGroup = secondsPerGroup;
        }

        static GateRounds.Sample sample(String key, double time) {
            return new GateRounds.Sample(new BenchResult("tp2.bench.MatmulBenchmark." + key.split(" ")[0],
                    Map.of("backend", "simd", "m", "128", "layer", "3072x100", "threads", "1"), time, Double.NaN, "us/op", 1, "17"),
                    new double[] {time});
        }

        @Override
        public Map<String, GateRounds.Pair> pair(GateRounds.Group group, boolean referenceFirst) {
            calls.add(group.name() + (referenceFirst ? " ref-first" : " now-first"));
            clock += secondsPerGroup;
            Map<String, GateRounds.Pair> pairs = new LinkedHashMap<>();
            for (String key : List.of("a", "b")) {
                String k = key + " " + group.name();
                pairs.put(k, new GateRounds.Pair(sample(k, 100), sample(k, 100 * ratio.applyAsDouble(k))));
            }
            return pairs;
        }

        @Override
        public Map<String, GateRounds.Sample> workingTree(GateRounds.Group group) {
            calls.add(group.name() + " alone");
            return Map.of("naive", sample("matmulBias naive", 4000));
        }

        @Override
        public long elapsedSeconds() {
            return (long) clock;
        }
    }

    @Test
    void clearVerdictsStopAfterTheFirstRoundsWhichAlternateTheOrder() throws Exception {
        Synthetic bench = new Synthetic(k -> 1.0, 10);
        GateRounds rounds = new GateRounds(bench);
        Map<String, Comparison.Result> results = rounds.run(0, false);
        assertEquals(2 * GateRounds.GROUPS.size(), results.size());
        results.values().forEach(r -> assertEquals(Comparison.Verdict.PASS, r.verdict()));
        rounds.pairs.values().forEach(p -> assertEquals(GateRounds.ROUNDS, p.size()));
        assertEquals(GateRounds.ROUNDS * GateRounds.GROUPS.size(), bench.calls.size());
        assertEquals("matmuls ref-first", bench.calls.get(0));
        assertEquals("matmuls now-first", bench.calls.get(GateRounds.GROUPS.size()), "round 2 runs the working tree first");
    }

    @Test
    void onlyTheInconclusiveGroupRunsAgainUntilTheMostRounds() throws Exception {
        int[] call = {0};
        // "a training pass" cycles through +0%, +7%, +14%: its interval keeps reaching past +10%
        Synthetic bench = new Synthetic(k -> k.equals("a training pass") ? NOISY[call[0]++ % 3] : 1.0, 1);
        GateRounds rounds = new GateRounds(bench);
        Map<String, Comparison.Result> results = rounds.run(0, false);
        assertEquals(Comparison.Verdict.INCONCLUSIVE, results.get("a training pass").verdict());
        assertEquals(GateRounds.MAX_ROUNDS, rounds.pairs.get("a training pass").size());
        assertEquals(GateRounds.MAX_ROUNDS, rounds.pairs.get("b training pass").size(), "its group's other benchmark runs along");
        assertEquals(GateRounds.ROUNDS, rounds.pairs.get("a matmuls").size());
        assertEquals(GateRounds.ROUNDS * GateRounds.GROUPS.size() + GateRounds.MAX_ROUNDS - GateRounds.ROUNDS, bench.calls.size());
    }

    @Test
    void noExtraRoundStartsPastTheBudget() throws Exception {
        int[] call = {0};
        double perGroup = (GateRounds.BUDGET_SECONDS + 5.0) / (GateRounds.ROUNDS * GateRounds.GROUPS.size());
        Synthetic bench = new Synthetic(k -> k.equals("a elementwise") ? NOISY[call[0]++ % 3] : 1.0, perGroup);
        GateRounds rounds = new GateRounds(bench);
        rounds.run(0, false);
        assertEquals(GateRounds.ROUNDS, rounds.pairs.get("a elementwise").size(), "the budget was spent by the first rounds");
    }

    @Test
    void givenRoundsRunExactlyThatMany() throws Exception {
        Synthetic bench = new Synthetic(k -> 1.0, 1);
        GateRounds rounds = new GateRounds(bench);
        rounds.run(3, false);
        rounds.pairs.values().forEach(p -> assertEquals(3, p.size()));
    }

    @Test
    void theFloorsGetNaiveAndTheWorkingTreeOfEachFirstRoundNotTheAvx2Group() throws Exception {
        int[] call = {0};
        Synthetic bench = new Synthetic(k -> k.equals("a matmuls") ? NOISY[call[0]++ % 3] : 1.0, 1);
        GateRounds rounds = new GateRounds(bench);
        rounds.run(0, true);
        assertEquals(GateRounds.ROUNDS, rounds.floorRounds.size(), "extra rounds add no floor round");
        for (List<BenchResult> round : rounds.floorRounds) {
            assertTrue(round.stream().anyMatch(r -> "matmulBias".equals(r.method()) && r.score() == 4000), "naive in the round");
            assertEquals(1 + 2 * (GateRounds.GROUPS.size() - 1), round.size(), "naive and the default-flag groups, not the AVX2 one");
        }
        assertEquals("naive, for the floors alone", bench.calls.get(0));
    }

    /** What --save-pairs writes is what the simulation reads: every fork on each side, nothing on the missing side. */
    @Test
    void aRecordingReadsBackAsWritten() {
        var recording = Gate.JSON.createArrayNode();
        GateRounds.Group g = GateRounds.GROUPS.get(0);
        GateRounds.Sample ref = new GateRounds.Sample(Synthetic.sample("a", 100).result(), new double[] {100, 104});
        GateRounds.Sample now = new GateRounds.Sample(Synthetic.sample("a", 110).result(), new double[] {110});
        GateRounds.record(recording, 1, g, 12.34, Map.of("a", ref), Map.of("a", now, "b", now));
        GateRounds.record(recording, 1, GateRounds.NAIVE, 5, null, Map.of("n", now));
        List<GateRounds.Recorded> read = GateRounds.Recorded.read(recording);
        assertEquals(2, read.size());
        assertEquals(12.3, read.get(0).seconds());
        assertEquals(List.of("a"), List.copyOf(read.get(0).forks().keySet()), "b had no reference fork: not a pair");
        assertTrue(java.util.Arrays.equals(new double[] {100, 104}, read.get(0).forks().get("a")[0]));
        assertTrue(java.util.Arrays.equals(new double[] {110}, read.get(0).forks().get("a")[1]));
        assertEquals(0, read.get(1).forks().get("n")[0].length);
    }
}
