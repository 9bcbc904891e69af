package tp2.bench;

import java.util.Random;
import tp2.kernels.Backend;
import tp2.kernels.Kernels;
import tp2.kernels.NaiveKernels;

/** The two real layers as {@code "k x n"} parameters, and the agreement check every benchmark runs first. */
final class Layer {
    final int k;
    final int n;

    private Layer(int k, int n) {
        this.k = k;
        this.n = n;
    }

    /** "3072x100" (the hidden layer) or "100x10" (the output layer). */
    static Layer parse(String layer) {
        String[] parts = layer.split("x");
        return new Layer(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    /** The same layer with {@code hidden} units where it has the default 100 (as input or output). */
    Layer withHidden(int hidden) {
        return new Layer(k == 100 ? hidden : k, n == 100 ? hidden : n);
    }

    static float[] gaussian(Random random, int length) {
        float[] a = new float[length];
        for (int e = 0; e < length; e++) {
            a[e] = (float) random.nextGaussian();
        }
        return a;
    }

    static Kernels create(String backend) {
        return Backend.fromName(backend).create();
    }

    /**
     * Fails the benchmark before it is measured when {@code actual} is not within 16 eps of the
     * sum of absolute terms of naive's {@code expected}: a fast wrong kernel is not a result.
     */
    static void check(String what, float[] expected, float[] actual, float[] absSums, int count) {
        for (int e = 0; e < count; e++) {
            double allowed = 16 * Math.ulp(1f) * absSums[e] + Float.MIN_NORMAL;
            if (!(Math.abs(expected[e] - actual[e]) <= allowed)) {
                throw new IllegalStateException(what + " disagrees with naive at element " + e + ": " + actual[e]
                        + " vs " + expected[e]);
            }
        }
    }

    static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int e = 0; e < a.length; e++) {
            b[e] = Math.abs(a[e]);
        }
        return b;
    }

    static final Kernels NAIVE = new NaiveKernels();
}
