package tp2.bench;

import java.util.Locale;

/**
 * The regression gate's decision for one benchmark, from paired times: in round i the reference
 * build ran a fork (time a_i) and the working tree ran a fork right before or after it (b_i), so a
 * pair shares the machine's phase of the moment. The slowdown is estimated from the log ratios
 * d_i = ln(b_i / a_i): their mean, with a two-sided 95% Student t interval, turned back into a ratio
 * (the geometric mean of b_i / a_i). The verdict:
 * <ul>
 *   <li>FAIL when the whole interval lies above 1 + {@link #THRESHOLD}: confidently slower by more
 *       than the threshold;</li>
 *   <li>PASS when the whole interval lies below 1 + {@link #THRESHOLD};</li>
 *   <li>INCONCLUSIVE otherwise, or with fewer than {@link #MIN_PAIRS} pairs: measure more pairs, do
 *       not guess.</li>
 * </ul>
 * Like Go's benchstat, it judges intervals rather than single numbers; unlike benchstat it pairs
 * the samples, which removes most of a noisy VM's phase-to-phase variance. The gate decides with
 * {@link #decidePairs}: a fork that lands in a slow mode for its whole length (these VMs put
 * 15-30% of forks 15-50% above the rest, on either side) sets its pair aside first.
 */
final class Comparison {
    /** A slowdown above this fraction fails, when the interval says so with confidence. */
    static final double THRESHOLD = 0.10;
    /**
     * A sample this far above the fastest of its side is a fork in a slow mode, and its pair is set
     * aside ({@link #decidePairs}). Chosen on two Zen 5 recordings of 2026-12-06 (GateSimulationTest,
     * docs/performance.md "The regression gate"): measured from the side's median instead, unchanged
     * code failed 38% of the simulated gates on the second; from the fastest, with 0.15, 1.8-2.2% on
     * both (0.05 caught too little, 0.10 about the same).
     */
    static final double SLOW_MODE = 0.15;
    /** No verdict from fewer pairs. */
    static final int MIN_PAIRS = 3;

    /** Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
        2.056, 2.052, 2.048, 2.045, 2.042};

    enum Verdict { PASS, FAIL, INCONCLUSIVE }

    /**
     * The outcome: {@code ratio} is the working tree's time over the reference's (1.25 = 25%
     * slower), {@code low} and {@code high} its 95% interval.
     */
    record Result(int pairs, double ratio, double low, double high, Verdict verdict, int setAside) {
        Result(int pairs, double ratio, double low, double high, Verdict verdict) {
            this(pairs, ratio, low, high, verdict, 0);
        }

        /** "12 pairs" or "12 pairs, 2 set aside (slow mode)". */
        String pairsText() {
            return pairs + " pairs" + (setAside == 0 ? "" : ", " + setAside + " set aside (slow mode)");
        }

        /** "+2.1% [-0.4%, +4.6%]"; without an interval (fewer than two pairs) "+2.1% [no interval]", or "none". */
        String delta() {
            if (Double.isNaN(ratio)) {
                return "none";
            }
            if (Double.isNaN(low)) {
                return String.format(Locale.ROOT, "%+.1f%% [no interval]", 100 * (ratio - 1));
            }
            return String.format(Locale.ROOT, "%+.1f%% [%+.1f%%, %+.1f%%]", 100 * (ratio - 1), 100 * (low - 1),
                    100 * (high - 1));
        }
    }

    private Comparison() {}

    /** The decision from the first {@code n} pairs of reference times {@code a} and working-tree times {@code b}. */
    static Result decide(double[] a, double[] b, int n) {
        if (n < 1) {
            return new Result(0, Double.NaN, Double.NaN, Double.NaN, Verdict.INCONCLUSIVE);
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += Math.log(b[i] / a[i]);
        }
        mean /= n;
        if (n < 2) {
            return new Result(n, Math.exp(mean), Double.NaN, Double.NaN, Verdict.INCONCLUSIVE);
        }
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = Math.log(b[i] / a[i]) - mean;
            ss += d * d;
        }
        double halfWidth = t975(n - 1) * Math.sqrt(ss / (n - 1) / n);
        double low = Math.exp(mean - halfWidth), high = Math.exp(mean + halfWidth);
        double limit = 1 + THRESHOLD;
        Verdict verdict = n < MIN_PAIRS ? Verdict.INCONCLUSIVE
                : low > limit ? Verdict.FAIL : high < limit ? Verdict.PASS : Verdict.INCONCLUSIVE;
        return new Result(n, Math.exp(mean), low, high, verdict);
    }

    /**
     * The decision from all pairs, with the pairs that hold a slow-mode sample set aside: a sample
     * more than {@link #SLOW_MODE} above the fastest of its own side (a fork whose JIT or placement
     * made it slow for its whole length; either side, so the rule is symmetric, and a slowdown of
     * the whole working tree moves that side's fastest with it). Unlike the median, the fastest
     * stays in the fast mode when more than half of a side's forks are slow.
     */
    static Result decidePairs(double[] a, double[] b) {
        double limitA = java.util.Arrays.stream(a).min().orElse(0) * (1 + SLOW_MODE);
        double limitB = java.util.Arrays.stream(b).min().orElse(0) * (1 + SLOW_MODE);
        double[] keptA = new double[a.length], keptB = new double[b.length];
        int kept = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] <= limitA && b[i] <= limitB) {
                keptA[kept] = a[i];
                keptB[kept++] = b[i];
            }
        }
        Result r = decide(keptA, keptB, kept);
        return new Result(r.pairs(), r.ratio(), r.low(), r.high(), r.verdict(), a.length - kept);
    }

    static double t975(int degrees) {
        return degrees <= T975.length ? T975[degrees - 1] : 1.96;
    }
}
