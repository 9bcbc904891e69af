package tp2.bench;

import java.util.Arrays;

/** The one median the benchmarks' reports use. */
final class Stats {
    private Stats() {}

    /** The median of {@code values} (the mean of the middle two for an even count); NaN for none. Does not modify them. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
