package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The decision on exact and disagreeing pairs; its rates on real noise are GateSimulationTest's. */
class ComparisonTest {

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

    @Test
    void aSlowModeForkSetsItsPairAsideOnEitherSide() {
        double[] a = {100, 101, 99, 150, 100, 100};
        double[] b = {101, 100, 100, 100, 99, 160};   // the reference's fork 4 and the working tree's fork 6 ran slow
        Comparison.Result r = Comparison.decidePairs(a, b);
        assertEquals(2, r.setAside());
        assertEquals(4, r.pairs());
        assertEquals(Comparison.Verdict.PASS, r.verdict());
        assertEquals(Comparison.Verdict.INCONCLUSIVE, Comparison.decide(a, b, a.length).verdict(), "without the rule: too noisy");
    }

    @Test
    void aSlowdownOfTheWholeSideIsNotSetAside() {
        double[] a = {100, 101, 99, 102, 100};
        double[] b = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = 1.3 * a[i];
        }
        Comparison.Result r = Comparison.decidePairs(a, b);
        assertEquals(0, r.setAside());
        assertEquals(Comparison.Verdict.FAIL, r.verdict());
    }

    @Test
    void onePairHasNoIntervalToPrint() {
        assertEquals("+10.0% [no interval]", Comparison.decide(new double[] {100}, new double[] {110}, 1).delta());
        assertEquals("none", Comparison.decide(new double[0], new double[0], 0).delta());
    }
}
