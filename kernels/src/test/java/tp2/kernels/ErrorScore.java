package tp2.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;

/**
 * The worst element error of a run, scored as reference BLAS scores it:
 * {@code |c - cRef| / (eps * sum |terms|)}, where the sum of absolute terms is what an exact
 * sum of the same products would need. Summation order changes rounding by a few eps of that
 * sum, whatever the reduction length, so a fixed bound works for every shape.
 */
final class ErrorScore {
    /** The bound of the issue and of reference BLAS's tests. */
    static final double LIMIT = 16;

    private final String what;
    private double worst;
    private String worstWhere = "none";

    ErrorScore(String what) {
        this.what = what;
    }

    /** Where an element is, formatted only when it becomes the worst (scoring runs per element). */
    interface Where {
        String describe();
    }

    /** Scores element [row][col] of a call described by {@code call}. */
    void add(float c, float cRef, double absSum, String call, String name, int row, int col) {
        add(c, cRef, absSum, () -> call + " " + name + "[" + row + "][" + col + "]");
    }

    /** Scores one element; NaN and infinities must match exactly. */
    void add(float c, float cRef, double absSum, String where) {
        add(c, cRef, absSum, () -> where);
    }

    /** Scores one element; NaN and infinities must match exactly. */
    void add(float c, float cRef, double absSum, Where where) {
        double score;
        if (Float.isNaN(cRef) || Float.isInfinite(cRef) || Float.isNaN(c) || Float.isInfinite(c)) {
            score = Float.compare(c, cRef) == 0 || (Float.isNaN(c) && Float.isNaN(cRef)) ? 0 : Double.POSITIVE_INFINITY;
        } else {
            double diff = Math.abs((double) c - cRef);
            score = diff == 0 ? 0 : diff / (TestBackends.EPS * absSum);
        }
        if (score > worst || Double.isNaN(score)) {
            worst = Double.isNaN(score) ? Double.POSITIVE_INFINITY : score;
            worstWhere = String.format(Locale.ROOT, "%s: got %s, naive %s, sum|terms| %.3g", where.describe(), c, cRef,
                    absSum);
        }
    }

    double worst() {
        return worst;
    }

    /** Fails when the worst score is over the limit; returns a one-line report otherwise. */
    String check() {
        String report = String.format(Locale.ROOT, "%s: worst error %.3f eps*sum|terms| (limit %.0f) at %s",
                what, worst, LIMIT, worstWhere);
        if (!(worst <= LIMIT)) {
            fail(report);
        }
        return report;
    }
}
