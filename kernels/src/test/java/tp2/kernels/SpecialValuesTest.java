package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static tp2.kernels.TestBackends.create;
import static tp2.kernels.TestBackends.gaussian;

import java.util.Random;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NaN and infinities reach exactly the outputs that depend on them, in every backend (naive
 * included, against the dependence rule of each formula); sigmoid is finite and NaN-free on a
 * million finite inputs across the whole float range.
 */
class SpecialValuesTest {
    /** Vector exp is not Math.exp: allow a few ulps (SVML-style exp is within about 2 ulps). */
    static final double SIGMOID_ULPS = 8;
    static final int SAMPLES = 1_000_000;
    static final long SEED = 7L;

    private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    // Shapes with vector tails in every direction, and one real layer.
    private static final int[][] SHAPES = {{7, 33, 17}, {5, 100, 10}, {4, 300, 100}, {1, 1, 1}, {3, 17, 113}};

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void matmulBiasSpreadsAPoisonedInputOnlyToItsRowOrColumn(Backend backend) {
        Kernels kernels = create(backend);
        Random random = new Random(SEED);
        for (int[] s : SHAPES) {
            int m = s[0], k = s[1], n = s[2];
            for (float special : SPECIALS) {
                // x[i][p] poisoned: row i of out; w[p+1][j]: column j; w[0][j] (bias): column j.
                float[] x = gaussian(random, m * k);
                float[] w = gaussian(random, (k + 1) * n);
                int i = random.nextInt(m), p = random.nextInt(k);
                x[i * k + p] = special;
                float[] out = new float[m * n];
                kernels.matmulBias(x, w, out, m, k, n);
                assertNonFiniteExactly(out, m, n, (r, c) -> r == i, "x[" + i + "][" + p + "] = " + special, backend);

                x = gaussian(random, m * k);
                int j = random.nextInt(n), wr = random.nextInt(k + 1);
                w[wr * n + j] = special;
                kernels.matmulBias(x, w, out, m, k, n);
                assertNonFiniteExactly(out, m, n, (r, c) -> c == j, "w[" + wr + "][" + j + "] = " + special, backend);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void matmulGradWSpreadsAPoisonedInputOnlyToItsRowOrColumn(Backend backend) {
        Kernels kernels = create(backend);
        Random random = new Random(SEED + 1);
        for (int[] s : SHAPES) {
            int m = s[0], k = s[1], n = s[2];
            for (float special : SPECIALS) {
                // a[i][p] poisoned: row p+1 of dw; g[i][j]: column j, bias row included.
                float[] a = gaussian(random, m * k);
                float[] g = gaussian(random, m * n);
                int i = random.nextInt(m), p = random.nextInt(k);
                a[i * k + p] = special;
                float[] dw = new float[(k + 1) * n];
                kernels.matmulGradW(a, g, dw, m, k, n);
                assertNonFiniteExactly(dw, k + 1, n, (r, c) -> r == p + 1, "a[" + i + "][" + p + "] = " + special, backend);

                a = gaussian(random, m * k);
                int j = random.nextInt(n);
                g[i * n + j] = special;
                kernels.matmulGradW(a, g, dw, m, k, n);
                assertNonFiniteExactly(dw, k + 1, n, (r, c) -> c == j, "g[" + i + "][" + j + "] = " + special, backend);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void matmulGradXSpreadsAPoisonedInputOnlyToItsRowOrColumn(Backend backend) {
        Kernels kernels = create(backend);
        Random random = new Random(SEED + 2);
        for (int[] s : SHAPES) {
            int m = s[0], k = s[1], n = s[2];
            for (float special : SPECIALS) {
                // g[i][j] poisoned: row i of gx; w[p+1][j]: column p; the bias row w[0] is never read.
                float[] g = gaussian(random, m * n);
                float[] w = gaussian(random, (k + 1) * n);
                int i = random.nextInt(m), j = random.nextInt(n);
                g[i * n + j] = special;
                float[] gx = new float[m * k];
                kernels.matmulGradX(g, w, gx, m, k, n);
                assertNonFiniteExactly(gx, m, k, (r, c) -> r == i, "g[" + i + "][" + j + "] = " + special, backend);

                g = gaussian(random, m * n);
                int p = random.nextInt(k);
                w[(p + 1) * n + j] = special;
                w[j] = special;
                kernels.matmulGradX(g, w, gx, m, k, n);
                assertNonFiniteExactly(gx, m, k, (r, c) -> c == p, "w[" + (p + 1) + "][" + j + "] and bias w[0][" + j
                        + "] = " + special, backend);
            }
        }
    }

    interface Dependence {
        boolean poisoned(int row, int col);
    }

    private static void assertNonFiniteExactly(float[] out, int rows, int cols, Dependence dependence, String what,
                                               Backend backend) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = out[r * cols + c];
                boolean expected = dependence.poisoned(r, c);
                if (expected == Float.isFinite(v)) {
                    fail(backend.cliName() + ": with " + what + ", output [" + r + "][" + c + "] = " + v
                            + (expected ? " should be non-finite" : " should be finite"));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void sigmoidOfInfinitiesAndNaN(Backend backend) {
        Kernels kernels = create(backend);
        // Long enough that the specials land in vector lanes and in the scalar tail.
        float[] x = new float[67];
        for (int e = 0; e < x.length; e++) {
            x[e] = SPECIALS[e % 3];
        }
        float[] out = new float[x.length];
        kernels.sigmoid(x, out, 0, x.length);
        for (int e = 0; e < x.length; e++) {
            float expected = Float.isNaN(x[e]) ? Float.NaN : x[e] > 0 ? 1f : 0f;
            assertEquals(expected, out[e], backend.cliName() + ": sigmoid(" + x[e] + ") at index " + e);
        }
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void sigmoidIsFiniteOnAMillionFiniteInputs(Backend backend, TestReporter reporter) {
        Kernels kernels = create(backend);
        Random random = new Random(SEED + 3);
        float[] x = new float[SAMPLES];
        for (int e = 0; e < SAMPLES; e++) {
            float v;
            switch (e % 3) {
                case 0: // any finite float, by bit pattern: covers every exponent
                    do {
                        v = Float.intBitsToFloat(random.nextInt());
                    } while (!Float.isFinite(v));
                    break;
                case 1: // the interesting range, where exp over- and underflows
                    v = (random.nextFloat() - 0.5f) * 400f;
                    break;
                default:
                    v = (float) random.nextGaussian() * 10f;
            }
            x[e] = v;
        }
        x[0] = -Float.MAX_VALUE;
        x[1] = Float.MAX_VALUE;
        x[2] = -88.8f;
        x[3] = -Float.MIN_VALUE;
        float[] out = new float[SAMPLES];
        kernels.sigmoid(x, out, 0, SAMPLES);
        float[] ref = new float[SAMPLES];
        new NaiveKernels().sigmoid(x, ref, 0, SAMPLES);
        double worstUlps = 0;
        for (int e = 0; e < SAMPLES; e++) {
            float v = out[e];
            double diff = Math.abs(v - ref[e]);
            if (!(v >= 0f && v <= 1f) || !(diff <= SIGMOID_ULPS * Math.ulp(ref[e]) + Float.MIN_NORMAL)) {
                fail(backend.cliName() + ": sigmoid(" + x[e] + ") = " + v + ", naive " + ref[e]);
            }
            worstUlps = Math.max(worstUlps, diff / Math.ulp(ref[e]));
        }
        TestBackends.report(reporter, backend.cliName() + " sigmoid on " + SAMPLES + " inputs: " + worstUlps + " ulp");
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void elementwisePoisonStaysInItsElement(Backend backend) {
        Kernels kernels = create(backend);
        Random random = new Random(SEED + 4);
        int len = 131;
        for (float special : SPECIALS) {
            int at = random.nextInt(len);
            float[] w = gaussian(random, len);
            float[] dw = gaussian(random, len);
            dw[at] = special;
            float probe = kernels.sgdUpdate(w, dw, 1e-3f, 1e-4f, 0, len);
            assertTrue(Float.isNaN(probe), backend.cliName() + ": sgdUpdate probe " + probe + " with dw[" + at + "] = " + special);
            for (int e = 0; e < len; e++) {
                assertEquals(e != at, Float.isFinite(w[e]), backend.cliName() + ": sgdUpdate with dw[" + at + "] = "
                        + special + " gave w[" + e + "] = " + w[e]);
            }
            float[] s = new float[len];
            for (int e = 0; e < len; e++) {
                s[e] = random.nextFloat();
            }
            float[] g = gaussian(random, len);
            g[at] = special;
            kernels.sigmoidBackward(s, g, 0, len);
            for (int e = 0; e < len; e++) {
                assertEquals(e != at, Float.isFinite(g[e]), backend.cliName() + ": sigmoidBackward with g[" + at
                        + "] = " + special + " gave g[" + e + "] = " + g[e]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void sigmoidBackwardFlushesSubnormalGradientsToZero(Backend backend) {
        Kernels kernels = create(backend);
        float min = Float.MIN_NORMAL;
        // {s, g, expected g * s (1 - s)}: subnormal results become +0, the rest (MIN_NORMAL itself,
        // NaN, infinities) pass unchanged
        float[][] cases = {
            {1e-30f, 1e-10f, 0f},                  // 1e-40: subnormal
            {1e-30f, -1e-10f, 0f},                 // -1e-40: subnormal, to +0
            {0.5f, 2 * min, 0f},                   // MIN_NORMAL / 2
            {0.5f, 4 * min, min},                  // exactly MIN_NORMAL: kept
            {0.5f, 32 * min, 8 * min},             // tiny but normal: kept
            {1e-30f, 1f, 1e-30f},
            {0.5f, 4f, 1f},
            {0.5f, Float.NaN, Float.NaN},
            {0.5f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY},
        };
        int len = 3 * 16 + 5;   // whole vectors of every width, then a tail
        float[] s = new float[len];
        float[] g = new float[len];
        for (int e = 0; e < len; e++) {
            s[e] = cases[e % cases.length][0];
            g[e] = cases[e % cases.length][1];
        }
        kernels.sigmoidBackward(s, g, 0, len);
        for (int e = 0; e < len; e++) {
            float[] c = cases[e % cases.length];
            assertEquals(c[2], g[e], backend.cliName() + ": sigmoidBackward at " + e + ", s = " + c[0] + ", g = " + c[1]);
        }
    }
}
