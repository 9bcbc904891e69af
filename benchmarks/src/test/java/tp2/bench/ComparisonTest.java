package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gate's decision on real noise: paired fork times recorded by {@code ./tp2 bench --check
 * --rounds 14 --save-pairs} with the same code on both sides (so every difference is the machine's
 * noise), resampled into simulated gate runs with a slowdown planted on the working tree's side.
 * A simulated run does what {@link GateRun} does: {@link GateRun#ROUNDS} pairs, then more while a
 * benchmark is inconclusive, up to {@link GateRun#MAX_ROUNDS}; where the gate runs two forks a round
 * and keeps the faster, so does the simulation, from two recorded samples.
 */
class ComparisonTest {
    /** The recorded pairs, by benchmark: [reference, working tree]. */
    static Map<String, double[][]> recorded() throws Exception {
        try (InputStream in = ComparisonTest.class.getResourceAsStream("/gate-pairs-zen4.json")) {
            JsonNode root = Gate.JSON.readTree(in);
            Map<String, double[][]> samples = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.get("benchmarks").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                double[][] pairs = new double[e.getValue().size()][];
                for (int i = 0; i < pairs.length; i++) {
                    pairs[i] = new double[] {e.getValue().get(i).get(0).asDouble(), e.getValue().get(i).get(1).asDouble()};
                }
                samples.put(e.getKey(), pairs);
            }
            return samples;
        }
    }

    /**
     * One simulated gate run of one benchmark, its working tree slowed by {@code factor}; with
     * {@code forks} forks a round, each side's sample is the fastest of that many recorded ones.
     */
    static Comparison.Verdict simulate(double[][] pairs, int forks, double factor, Random random) {
        double[] a = new double[GateRun.MAX_ROUNDS];
        double[] b = new double[GateRun.MAX_ROUNDS];
        Comparison.Result result = null;
        for (int n = 1; n <= GateRun.MAX_ROUNDS; n++) {
            a[n - 1] = Double.MAX_VALUE;
            b[n - 1] = Double.MAX_VALUE;
            for (int f = 0; f < forks; f++) {
                double[] pair = pairs[random.nextInt(pairs.length)];
                a[n - 1] = Math.min(a[n - 1], pair[0]);
                b[n - 1] = Math.min(b[n - 1], pair[1] * factor);
            }
            if (n >= GateRun.ROUNDS) {
                result = Comparison.decide(a, b, n);
                if (result.verdict() != Comparison.Verdict.INCONCLUSIVE) {
                    break;
                }
            }
        }
        return result.verdict();
    }

    /** Shares of simulated runs per verdict: [fail, inconclusive, pass]. */
    static double[] rates(double[][] pairs, int forks, double factor, int runs, long seed) {
        Random random = new Random(seed);
        double[] counts = new double[3];
        for (int run = 0; run < runs; run++) {
            Comparison.Verdict v = simulate(pairs, forks, factor, random);
            counts[v == Comparison.Verdict.FAIL ? 0 : v == Comparison.Verdict.INCONCLUSIVE ? 1 : 2]++;
        }
        for (int i = 0; i < 3; i++) {
            counts[i] /= runs;
        }
        return counts;
    }

    @Test
    void aTwentyFivePercentSlowdownOfAnyOneBenchmarkFailsAtLeastNineRunsInTen() throws Exception {
        StringBuilder table = new StringBuilder("| benchmark | unchanged | +10% | +25% | +50% | 2x |\n| --- | --- | --- | --- | --- | --- |\n");
        List<String> weak = new ArrayList<>();
        for (Map.Entry<String, double[][]> e : recorded().entrySet()) {
            table.append("| ").append(e.getKey());
            for (double factor : new double[] {1.0, 1.10, 1.25, 1.5, 2.0}) {
                double[] r = rates(e.getValue(), GateRun.forksOf(e.getKey()), factor, 2000, 11);
                table.append(String.format(Locale.ROOT, " | %.0f%% fail", 100 * r[0]));
                if (factor == 1.25 && r[0] < 0.9) {
                    weak.add(e.getKey() + ": " + r[0]);
                }
            }
            table.append(" |\n");
        }
        System.out.println(table);
        assertTrue(weak.isEmpty(), "a planted 25% slowdown failed the gate in under 9 runs of 10: " + weak + "\n" + table);
    }

    /** The whole gate fails when any benchmark does: unchanged code must fail at most one run in ten. */
    @Test
    void unchangedCodeFailsTheWholeGateAtMostOneRunInTen() throws Exception {
        Map<String, double[][]> samples = recorded();
        Random random = new Random(12);
        int runs = 2000, failed = 0;
        for (int run = 0; run < runs; run++) {
            boolean any = false;
            for (Map.Entry<String, double[][]> e : samples.entrySet()) {
                any |= simulate(e.getValue(), GateRun.forksOf(e.getKey()), 1.0, random) == Comparison.Verdict.FAIL;
            }
            failed += any ? 1 : 0;
        }
        assertTrue(failed <= runs / 10, "unchanged code failed " + failed + " of " + runs + " simulated gates");
        System.out.printf(Locale.ROOT, "unchanged code: %.1f%% of simulated gates failed%n", 100.0 * failed / runs);
    }

    @Test
    void exactRatiosGiveANarrowIntervalAndTheRightVerdict() {
        double[] a = {100, 90, 110, 105, 95};
        double[] slower = new double[a.length];
        double[] same = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            slower[i] = a[i] * 1.3;
            same[i] = a[i];
        }
        Comparison.Result r = Comparison.decide(a, slower, a.length);
        assertEquals(1.3, r.ratio(), 1e-12);
        assertEquals(Comparison.Verdict.FAIL, r.verdict());
        assertEquals(Comparison.Verdict.PASS, Comparison.decide(a, same, a.length).verdict());
        // two pairs are never enough for a verdict
        assertEquals(Comparison.Verdict.INCONCLUSIVE, Comparison.decide(a, slower, 2).verdict());
    }

    @Test
    void pairsThatDisagreeAreInconclusiveNotAGuess() {
        double[] a = {100, 100, 100, 100, 100};
        double[] b = {100, 140, 95, 150, 105};   // +18% on average, but a pair says -5%
        assertEquals(Comparison.Verdict.INCONCLUSIVE, Comparison.decide(a, b, 5).verdict());
    }
}
