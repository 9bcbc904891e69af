package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static tp2.kernels.TestBackends.GUARD;
import static tp2.kernels.TestBackends.assertSentinels;
import static tp2.kernels.TestBackends.assertUnchanged;
import static tp2.kernels.TestBackends.create;
import static tp2.kernels.TestBackends.gaussian;
import static tp2.kernels.TestBackends.guarded;
import static tp2.kernels.TestBackends.shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every backend against naive, on every (m, k, n) from {@link #SIZES} cubed, the real training
 * shapes and 200 seeded random shapes. Inputs are Gaussian (signed), the seed of each shape is in
 * every failure message, and the worst error of each run is published to the test report.
 */
class BackendConformanceTest {
    static final int[] SIZES = {0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129};
    static final long SEED = 20_261_126L;
    static final int RANDOM_SHAPES = 200;
    static final int RANDOM_MAX = 300;

    /** The real layers: batch x 3072 -> 100 and batch x 100 -> 10, at batch 1, 128 and 500. */
    static List<int[]> realShapes() {
        List<int[]> shapes = new ArrayList<>();
        for (int m : QUICK ? new int[] {1, 128} : new int[] {1, 128, 500}) {
            shapes.add(new int[] {m, 3072, 100});
            shapes.add(new int[] {m, 100, 10});
        }
        return shapes;
    }

    /**
     * -Dkernels.shapes=quick: for JVM modes in which vector code runs 20-100x slower (C1 only), a
     * smaller set with the same kinds of edges, the real layers at batch 1 and 128, and 20 random shapes.
     */
    static final boolean QUICK = "quick".equals(System.getProperty("kernels.shapes"));
    static final int[] QUICK_SIZES = {0, 1, 2, 7, 16, 17, 33, 100};

    /** Every (m, k, n) from {@link #SIZES} (or {@link #QUICK_SIZES}) cubed. */
    static List<int[]> cubedShapes() {
        List<int[]> shapes = new ArrayList<>();
        int[] sizes = QUICK ? QUICK_SIZES : SIZES;
        for (int m : sizes) {
            for (int k : sizes) {
                for (int n : sizes) {
                    shapes.add(new int[] {m, k, n});
                }
            }
        }
        return shapes;
    }

    static List<int[]> shapes() {
        List<int[]> shapes = cubedShapes();
        shapes.addAll(realShapes());
        shapes.addAll(directShapes());
        Random random = new Random(SEED);
        for (int s = 0; s < randomShapes(); s++) {
            shapes.add(new int[] {random.nextInt(RANDOM_MAX), random.nextInt(RANDOM_MAX), random.nextInt(RANDOM_MAX)});
        }
        return shapes;
    }

    /**
     * Widths at which simd's 3x7 tile reads B in place with an overlapping 7th vector (SimdGemm) at
     * this run's vector length: one panel exactly, one just over 6 vectors, one just under 7, two
     * panels, and a second panel just over 6 vectors. Reductions below, at and above the k block.
     */
    static List<int[]> directShapes() {
        int lanes = Simd.unavailableReason() == null ? SimdSpecies.lanes() : 16;
        int panel = 7 * lanes;
        List<int[]> shapes = new ArrayList<>();
        for (int n : new int[] {panel, 6 * lanes + 1, panel - 1, 2 * panel, panel + 6 * lanes + 1}) {
            for (int m : QUICK ? new int[] {4, 50} : new int[] {1, 4, 50, 128}) {
                for (int k : QUICK ? new int[] {65} : new int[] {1, 64, 65, 300}) {
                    shapes.add(new int[] {m, k, n});
                }
            }
        }
        return shapes;
    }

    static int randomShapes() {
        return QUICK ? 20 : RANDOM_SHAPES;
    }

    /**
     * Computes the error scores' sums of absolute terms as a matmul of absolute values: the
     * specification's, never a backend under test (a denominator needs no better than float).
     */
    private static final Kernels ABS_SUMS = new NaiveKernels();

    private static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int e = 0; e < a.length; e++) {
            b[e] = Math.abs(a[e]);
        }
        return b;
    }

    static long seedOf(int[] s) {
        return SEED ^ (s[0] * 1_000_003L + s[1] * 1_009L + s[2]);
    }

    private static String where(int[] s, String detail) {
        return shape(s[0], s[1], s[2]) + " seed " + seedOf(s) + " " + detail;
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#candidates")
    void matmulBiasMatchesNaive(Backend backend, TestReporter reporter) {
        Kernels kernels = create(backend);
        Kernels naive = new NaiveKernels();
        ErrorScore score = new ErrorScore(backend.cliName() + " matmulBias");
        for (int[] s : shapes()) {
            int m = s[0], k = s[1], n = s[2];
            Random random = new Random(seedOf(s));
            String call = where(s, "matmulBias");
            float[] x = gaussian(random, m * k);
            float[] w = gaussian(random, (k + 1) * n);
            float[] x0 = x.clone(), w0 = w.clone();
            float[] ref = new float[m * n];
            naive.matmulBias(x, w, ref, m, k, n);
            float[] out = guarded(m * n);
            kernels.matmulBias(x, w, out, m, k, n);
            assertSentinels(out, m * n, m * n + GUARD, where(s, "matmulBias"));
            assertUnchanged(x0, x, where(s, "x"));
            assertUnchanged(w0, w, where(s, "w"));
            float[] absSum = new float[m * n];
            ABS_SUMS.matmulBias(abs(x), abs(w), absSum, m, k, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    score.add(out[i * n + j], ref[i * n + j], absSum[i * n + j], call, "out", i, j);
                }
            }
            assertRangeIsolated(s, random, m, n, out, (from, to, o) -> kernels.matmulBias(x, w, o, m, k, n, from, to));
        }
        TestBackends.report(reporter, score.check());
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#candidates")
    void matmulGradWMatchesNaive(Backend backend, TestReporter reporter) {
        Kernels kernels = create(backend);
        Kernels naive = new NaiveKernels();
        ErrorScore score = new ErrorScore(backend.cliName() + " matmulGradW");
        for (int[] s : shapes()) {
            int m = s[0], k = s[1], n = s[2];
            Random random = new Random(seedOf(s));
            String call = where(s, "matmulGradW");
            float[] a = gaussian(random, m * k);
            float[] g = gaussian(random, m * n);
            float[] a0 = a.clone(), g0 = g.clone();
            float[] ref = new float[(k + 1) * n];
            naive.matmulGradW(a, g, ref, m, k, n);
            float[] dw = guarded((k + 1) * n);
            kernels.matmulGradW(a, g, dw, m, k, n);
            assertSentinels(dw, (k + 1) * n, (k + 1) * n + GUARD, where(s, "matmulGradW"));
            assertUnchanged(a0, a, where(s, "a"));
            assertUnchanged(g0, g, where(s, "g"));
            float[] absSum = new float[(k + 1) * n];
            ABS_SUMS.matmulGradW(abs(a), abs(g), absSum, m, k, n);
            for (int r = 0; r <= k; r++) {
                for (int j = 0; j < n; j++) {
                    score.add(dw[r * n + j], ref[r * n + j], absSum[r * n + j], call, "dw", r, j);
                }
            }
            assertRangeIsolated(s, random, k + 1, n, dw, (from, to, o) -> kernels.matmulGradW(a, g, o, m, k, n, from, to));
        }
        TestBackends.report(reporter, score.check());
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#candidates")
    void matmulGradXMatchesNaive(Backend backend, TestReporter reporter) {
        Kernels kernels = create(backend);
        Kernels naive = new NaiveKernels();
        ErrorScore score = new ErrorScore(backend.cliName() + " matmulGradX");
        for (int[] s : shapes()) {
            int m = s[0], k = s[1], n = s[2];
            Random random = new Random(seedOf(s));
            String call = where(s, "matmulGradX");
            float[] g = gaussian(random, m * n);
            float[] w = gaussian(random, (k + 1) * n);
            float[] g0 = g.clone(), w0 = w.clone();
            float[] ref = new float[m * k];
            naive.matmulGradX(g, w, ref, m, k, n);
            float[] gx = guarded(m * k);
            kernels.matmulGradX(g, w, gx, m, k, n);
            assertSentinels(gx, m * k, m * k + GUARD, where(s, "matmulGradX"));
            assertUnchanged(g0, g, where(s, "g"));
            assertUnchanged(w0, w, where(s, "w"));
            float[] absSum = new float[m * k];
            ABS_SUMS.matmulGradX(abs(g), abs(w), absSum, m, k, n);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    score.add(gx[i * k + p], ref[i * k + p], absSum[i * k + p], call, "gx", i, p);
                }
            }
            assertRangeIsolated(s, random, m, k, gx, (from, to, o) -> kernels.matmulGradX(g, w, o, m, k, n, from, to));
        }
        TestBackends.report(reporter, score.check());
    }

    /** The fused forward against naive's matmul then sigmoid, on the real and random shapes. */
    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#candidates")
    void matmulBiasSigmoidMatchesNaive(Backend backend, TestReporter reporter) {
        Kernels kernels = create(backend);
        Kernels naive = new NaiveKernels();
        double worst = 0;
        List<int[]> shapes = realShapes();
        List<int[]> all = shapes();
        shapes.addAll(all.subList(all.size() - randomShapes(), all.size()));
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            Random random = new Random(seedOf(s));
            float[] x = gaussian(random, m * k);
            float[] w = gaussian(random, (k + 1) * n);
            float[] ref = new float[m * n];
            naive.matmulBiasSigmoid(x, w, ref, m, k, n);
            float[] out = guarded(m * n);
            kernels.matmulBiasSigmoid(x, w, out, m, k, n);
            assertSentinels(out, m * n, m * n + GUARD, where(s, "matmulBiasSigmoid"));
            float[] absSums = new float[m * n];
            ABS_SUMS.matmulBias(abs(x), abs(w), absSums, m, k, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double absSum = absSums[i * n + j];
                    // sigmoid' <= 1/4 carries the matmul's error; the sigmoid adds its own few ulps.
                    double allowed = ErrorScore.LIMIT * TestBackends.EPS * absSum / 4
                            + SpecialValuesTest.SIGMOID_ULPS * Math.ulp(ref[i * n + j]) + Float.MIN_NORMAL;
                    double diff = Math.abs(out[i * n + j] - ref[i * n + j]);
                    if (!(diff <= allowed)) {
                        fail(where(s, "out[" + i + "][" + j + "] = " + out[i * n + j] + ", naive " + ref[i * n + j]));
                    }
                    worst = Math.max(worst, diff / allowed);
                }
            }
            assertRangeIsolated(s, random, m, n, out, (from, to, o) -> kernels.matmulBiasSigmoid(x, w, o, m, k, n, from, to));
        }
        TestBackends.report(reporter, backend.cliName() + " matmulBiasSigmoid: worst error " + worst + " of allowed");
    }

    interface RangeCall {
        void run(int from, int to, float[] out);
    }

    /**
     * Computes a random row range [from, to) into a fresh guarded buffer: rows inside equal the full
     * call's rows bit for bit (results do not depend on the split), rows outside stay sentinel.
     */
    private static void assertRangeIsolated(int[] s, Random random, int rows, int cols, float[] full, RangeCall call) {
        int from = random.nextInt(rows + 1);
        int to = from + random.nextInt(rows - from + 1);
        float[] part = guarded(rows * cols);
        call.run(from, to, part);
        assertSentinels(part, 0, from * cols, where(s, "rows before range [" + from + ", " + to + ")"));
        assertSentinels(part, to * cols, rows * cols + GUARD, where(s, "rows after range [" + from + ", " + to + ")"));
        for (int e = from * cols; e < to * cols; e++) {
            if (Float.floatToRawIntBits(full[e]) != Float.floatToRawIntBits(part[e])) {
                fail(where(s, "range [" + from + ", " + to + ") element " + e + " = " + part[e]
                        + " differs from the full call's " + full[e]));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#candidates")
    void elementwiseKernelsMatchNaive(Backend backend, TestReporter reporter) {
        Kernels kernels = create(backend);
        Kernels naive = new NaiveKernels();
        ErrorScore sgd = new ErrorScore(backend.cliName() + " sgdUpdate");
        ErrorScore back = new ErrorScore(backend.cliName() + " sigmoidBackward");
        double worstSigmoidUlps = 0;
        List<Integer> lengths = new ArrayList<>();
        for (int size : SIZES) {
            lengths.add(size);
        }
        lengths.add(3073 * 100);
        lengths.add(101 * 10);
        lengths.add(128 * 100);
        Random random = new Random(SEED);
        for (int s = 0; s < RANDOM_SHAPES; s++) {
            lengths.add(random.nextInt(5000));
        }
        for (int len : lengths) {
            int[] key = {len, 0, 0};
            Random r = new Random(seedOf(key));
            int from = r.nextInt(len + 1);
            int to = from + r.nextInt(len - from + 1);
            String at = "length " + len + " range [" + from + ", " + to + ") seed " + seedOf(key);

            float[] x = gaussian(r, len);
            for (int e = 0; e < len; e++) {
                x[e] *= 8f;
            }
            float[] ref = guarded(len);
            naive.sigmoid(x, ref, from, to);
            float[] out = guarded(len);
            kernels.sigmoid(x, out, from, to);
            assertSentinels(out, 0, from, at + " sigmoid");
            assertSentinels(out, to, len + GUARD, at + " sigmoid");
            for (int e = from; e < to; e++) {
                double diff = Math.abs(out[e] - ref[e]);
                double allowed = SpecialValuesTest.SIGMOID_ULPS * Math.ulp(ref[e]) + Float.MIN_NORMAL;
                if (!(diff <= allowed)) {
                    fail(at + " sigmoid(" + x[e] + ") = " + out[e] + ", naive " + ref[e]);
                }
                worstSigmoidUlps = Math.max(worstSigmoidUlps, diff / Math.ulp(ref[e]));
            }

            float[] sg = new float[len];
            for (int e = 0; e < len; e++) {
                sg[e] = r.nextFloat();
            }
            float[] g = gaussian(r, len);
            float[] gRef = g.clone();
            float[] gOut = g.clone();
            naive.sigmoidBackward(sg, gRef, from, to);
            kernels.sigmoidBackward(sg, gOut, from, to);
            for (int e = 0; e < len; e++) {
                if (e < from || e >= to) {
                    if (g[e] != gOut[e]) {
                        fail(at + " sigmoidBackward touched element " + e + " outside the range");
                    }
                } else {
                    double absSum = Math.abs((double) g[e]) * (Math.abs(sg[e]) + sg[e] * sg[e]);
                    back.add(gOut[e], gRef[e], absSum, at, "g", e, 0);
                }
            }

            float lr = 1e-3f, reg = 1e-4f;
            float[] w = gaussian(r, len);
            float[] dw = gaussian(r, len);
            float[] wRef = w.clone();
            float[] wOut = w.clone();
            float[] dw0 = dw.clone();
            float probeRef = naive.sgdUpdate(wRef, dw, lr, reg, from, to);
            float probe = kernels.sgdUpdate(wOut, dw, lr, reg, from, to);
            if (probe != 0f || probeRef != 0f) {
                fail(at + " sgdUpdate probe " + probe + " (naive " + probeRef + ") for finite weights");
            }
            assertUnchanged(dw0, dw, at + " dw");
            for (int e = 0; e < len; e++) {
                if (e < from || e >= to) {
                    if (w[e] != wOut[e]) {
                        fail(at + " sgdUpdate touched element " + e + " outside the range");
                    }
                } else {
                    double absSum = Math.abs(w[e]) + lr * (Math.abs(dw[e]) + reg * Math.abs(w[e]));
                    sgd.add(wOut[e], wRef[e], absSum, at, "w", e, 0);
                }
            }
        }
        TestBackends.report(reporter, sgd.check());
        TestBackends.report(reporter, back.check());
        TestBackends.report(reporter, backend.cliName() + " sigmoid: worst " + worstSigmoidUlps + " ulp");
    }

    /**
     * Blocked and simd reorder memory traffic, not arithmetic: every matmul output is naive's sum in
     * naive's order (bias first, then the reduction index ascending) with each multiply-add fused, so
     * it has exactly the bits of {@link #fmaMatmulBias} and its two twins below, whatever the register
     * block, vector width or packing; one that summed in another order, or multiplied and added
     * separately, fails here. Shapes: the sizes cubed, the real layers at batch 1 and 128, and the
     * first 20 random shapes.
     */
    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#candidates")
    void matmulsMatchTheFmaReferenceBitForBit(Backend backend) {
        Kernels kernels = create(backend);
        List<int[]> shapes = cubedShapes();
        shapes.add(new int[] {1, 3072, 100});
        shapes.add(new int[] {128, 3072, 100});
        shapes.add(new int[] {128, 100, 10});
        // the wide layers' panel plans at 16, 8 and 4 lanes: exact covers by 7- and 6-vector panels
        // (96, 208, 400), a last panel shifted left (113, 224 + 1, 1000), hidden widths up to 4096
        for (int n : new int[] {96, 208, 400, 113, 225, 1000, 4096}) {
            shapes.add(new int[] {37, 70, n});
        }
        Random random = new Random(SEED);
        for (int s = 0; s < 20; s++) {
            shapes.add(new int[] {random.nextInt(RANDOM_MAX), random.nextInt(RANDOM_MAX), random.nextInt(RANDOM_MAX)});
        }
        assertBitForBit(kernels, backend.cliName(), shapes);
    }

    /**
     * The tests run with the Vector API's own bounds check on every load and store (the launcher and
     * the benchmarks turn it off, docs/kernels.md "Bounds"), so an index slip in the kernels fails
     * here instead of reading or writing past an array.
     */
    @org.junit.jupiter.api.Test
    void theVectorApiChecksEveryAccessInTheTests() {
        String check = System.getProperty("jdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK");
        assertTrue(check == null || !check.equals("0"), "the tests must keep the Vector API's bounds checks: " + check);
    }

    /** A call of a micro-kernel that would reach past an array is refused before any vector access. */
    @org.junit.jupiter.api.Test
    void aMicroKernelCallOutOfRangeIsRefused() {
        create(Backend.SIMD);
        int lanes = SimdSpecies.lanes();
        int kc = 5, width = 7 * lanes;
        float[] a = new float[3 * kc], b = new float[kc * width], c = new float[3 * width];
        int last = 6 * lanes;
        MicroKernels.run(MicroKernels.K3X7, a, 0, kc, 1, b, 0, width, last, kc, c, 0, width, c, 0, width);   // in range
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> MicroKernels.run(MicroKernels.K3X7,
                a, 0, kc, 1, b, 1, width, last, kc, c, 0, width, c, 0, width));   // B one float over
        assertTrue(e.getMessage().startsWith("micro-kernel 3x7 out of range"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> MicroKernels.run(MicroKernels.K3X7,
                a, 0, kc, 1, b, 0, width, last, kc + 1, c, 0, width, c, 0, width));   // A one row of the reduction over
        assertThrows(IndexOutOfBoundsException.class, () -> MicroKernels.run(MicroKernels.K3X7,
                a, 0, kc, 1, b, 0, width, last, kc, c, 0, width, c, 1, width));   // C one float over
        assertThrows(IndexOutOfBoundsException.class, () -> MicroKernels.run(MicroKernels.K3X7,
                a, 0, kc, 1, b, 0, width, last - lanes - 1, kc, c, 0, width, c, 0, width));   // a last vector before the one it overlaps
    }

    /**
     * Every register tile of simd on this run's species, whichever the machine would pick: the same
     * bits as the fma reference on the sizes cubed, the real layers, and each tile's panel plans
     * (one panel, a panel and a vector over, exact covers by V- and (V-1)-vector panels, a last
     * panel or vector shifted left, rows at and around the block and tile heights; reductions
     * whose rows alias in L1 (256, 3,072: A copied first) and do not (A read in place when at most two
     * panels read it);
     * rows a few floats past a vector, whose last columns the weight gradient computes transposed).
     */
    @ParameterizedTest
    @ValueSource(strings = {"3x7", "4x3"})
    void everySimdTileMatchesTheFmaReferenceBitForBit(String tile) {
        create(Backend.SIMD);   // skips (or fails, when required) without the Vector API
        SimdShape shape = SimdShape.named(tile);
        Kernels kernels = new SimdKernels(shape);
        // the shapes below take both ways of reading A in the weight gradient
        assertTrue(SimdGemm.copiesA(256, 1) && SimdGemm.copiesA(3072, 1) && SimdGemm.copiesA(384, 3) && !SimdGemm.copiesA(384, 2)
                && !SimdGemm.copiesA(257, 1) && !SimdGemm.copiesA(61, 1), "the weight gradient's rule for copying A changed");
        int lanes = SimdSpecies.lanes();
        int panel = shape.vectors * lanes;
        List<int[]> shapes = QUICK ? new ArrayList<>() : cubedShapes();
        shapes.add(new int[] {128, 3072, 100});
        shapes.add(new int[] {80, 384, 100});
        shapes.add(new int[] {128, 100, 10});
        int[] widths = {lanes + 1, (shape.vectors - 2) * lanes, (shape.vectors - 2) * lanes + 1, (shape.vectors - 1) * lanes,
            (shape.vectors - 1) * lanes + 1, panel - 1, panel, panel + 1, 2 * panel, 2 * panel + (shape.vectors - 1) * lanes,
            panel + lanes + 3, 25 * lanes, 400, 1000};
        for (int n : widths) {
            for (int m : new int[] {1, shape.rows - 1, shape.rows + 1, 49, 100}) {
                shapes.add(new int[] {m, 61, n});
            }
        }
        for (int k : new int[] {1, 255, 256, 257, 700}) {
            shapes.add(new int[] {13, k, panel + 5});
        }
        // rows ending 1 to L/2 floats past a vector: the weight gradient computes those last
        // columns transposed when its output has enough rows (k), and in place when it has not
        SimdGemm gemm = new SimdGemm(shape);
        for (int rest = 1; rest <= lanes / 2; rest++) {
            int n = panel + rest;
            shapes.add(new int[] {29, 300, n});
            shapes.add(new int[] {128, 3 * panel + 7, n});
            assertTrue(gemm.lastColumnsTransposed(1, 1, 29, null, n, 300, false) > 0, "n = " + n + " is not transposed");
            shapes.add(new int[] {29, 5, n});
        }
        // a wide row wastes too few lanes to be worth it (1,000 at 16 lanes)
        assertEquals(0, gemm.lastColumnsTransposed(1, 1, 29, null, 62 * lanes + lanes / 2, 300, false));
        assertBitForBit(kernels, "simd " + tile, shapes);
    }

    private static void assertBitForBit(Kernels kernels, String name, List<int[]> shapes) {
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            Random r = new Random(seedOf(s));
            float[] x = gaussian(r, m * k), w = gaussian(r, (k + 1) * n), g = gaussian(r, m * n);
            float[] out = new float[m * n];
            kernels.matmulBias(x, w, out, m, k, n);
            assertSameBits(fmaMatmulBias(x, w, m, k, n), out, where(s, name + " matmulBias"));
            out = new float[(k + 1) * n];
            kernels.matmulGradW(x, g, out, m, k, n);
            assertSameBits(fmaMatmulGradW(x, g, m, k, n), out, where(s, name + " matmulGradW"));
            out = new float[m * k];
            kernels.matmulGradX(g, w, out, m, k, n);
            assertSameBits(fmaMatmulGradX(g, w, m, k, n), out, where(s, name + " matmulGradX"));
        }
    }

    /** {@link NaiveKernels#matmulBias} with each multiply-add fused (one rounding). */
    private static float[] fmaMatmulBias(float[] x, float[] w, int m, int k, int n) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = w[j];
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(x[i * k + p], w[(p + 1) * n + j], sum);
                }
                out[i * n + j] = sum;
            }
        }
        return out;
    }

    /** {@link NaiveKernels#matmulGradW} with each multiply-add fused (the bias row's 1 * g is exact either way). */
    private static float[] fmaMatmulGradW(float[] a, float[] g, int m, int k, int n) {
        float[] dw = new float[(k + 1) * n];
        for (int r = 0; r <= k; r++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int i = 0; i < m; i++) {
                    sum = Math.fma(r == 0 ? 1f : a[i * k + r - 1], g[i * n + j], sum);
                }
                dw[r * n + j] = sum;
            }
        }
        return dw;
    }

    /** {@link NaiveKernels#matmulGradX} with each multiply-add fused. */
    private static float[] fmaMatmulGradX(float[] g, float[] w, int m, int k, int n) {
        float[] gx = new float[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float sum = 0f;
                for (int j = 0; j < n; j++) {
                    sum = Math.fma(g[i * n + j], w[(p + 1) * n + j], sum);
                }
                gx[i * k + p] = sum;
            }
        }
        return gx;
    }

    private static void assertSameBits(float[] expected, float[] actual, String at) {
        for (int e = 0; e < expected.length; e++) {
            if (Float.floatToRawIntBits(expected[e]) != Float.floatToRawIntBits(actual[e])) {
                fail(at + ": element " + e + " = " + actual[e] + ", expected " + expected[e]);
            }
        }
    }

    /** One rounding per element: every backend adds with naive's bits, special values and aliasing included. */
    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#candidates")
    void addMatchesNaiveExactly(Backend backend) {
        Kernels kernels = create(backend);
        Kernels naive = new NaiveKernels();
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE,
            Float.MAX_VALUE, -Float.MAX_VALUE, 1e-40f};
        for (int n : SIZES) {
            int[] key = {n, 3, 7};
            Random r = new Random(seedOf(key));
            float[] a = new float[n + 3], b = new float[n + 3];
            for (int e = 0; e < a.length; e++) {
                a[e] = r.nextInt(8) == 0 ? specials[r.nextInt(specials.length)] : (float) r.nextGaussian() * 100;
                b[e] = r.nextInt(8) == 0 ? specials[r.nextInt(specials.length)] : (float) r.nextGaussian();
            }
            int from = r.nextInt(n + 1), to = from + r.nextInt(n - from + 1);
            String at = backend + " n=" + n + " [" + from + ", " + to + ") seed " + seedOf(key);
            float[] ref = guarded(a.length);
            float[] out = guarded(a.length);
            naive.add(a, b, ref, from, to);
            kernels.add(a, b, out, from, to);
            assertSameBits(ref, out, at);
            float[] inPlace = a.clone();   // out == a
            kernels.add(inPlace, b, inPlace, from, to);
            for (int e = 0; e < a.length; e++) {
                float expected = e >= from && e < to ? ref[e] : a[e];
                if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(inPlace[e])) {
                    fail(at + " in place: element " + e + " = " + inPlace[e] + ", expected " + expected);
                }
            }
        }
    }

    /** One rounding per element: every backend gives naive's bits exactly. */
    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#candidates")
    void gatherCenteredMatchesNaiveExactly(Backend backend) {
        Kernels kernels = create(backend);
        Kernels naive = new NaiveKernels();
        List<Integer> widths = new ArrayList<>();
        for (int size : SIZES) {
            widths.add(size);
        }
        widths.add(3072);
        for (int d : widths) {
            for (int m : new int[] {0, 1, 7, 33, 128}) {
                int[] key = {d, m, 2};
                Random r = new Random(seedOf(key));
                String at = "d=" + d + " m=" + m + " seed " + seedOf(key);
                int images = m + 5;
                byte[] pixels = new byte[images * d];
                r.nextBytes(pixels);
                float[] mean = new float[d];
                for (int c = 0; c < d; c++) {
                    mean[c] = r.nextFloat() * 255f;
                }
                int first = r.nextInt(3);
                int[] order = new int[first + m];
                for (int i = 0; i < order.length; i++) {
                    order[i] = r.nextInt(images);
                }
                int from = r.nextInt(m + 1);
                int to = from + r.nextInt(m - from + 1);
                // whole images, then a random window of columns (a slice of the first layer)
                int c0 = r.nextInt(d + 1);
                int c1 = c0 + r.nextInt(d - c0 + 1);
                for (int[] window : new int[][] {{0, d}, {c0, c1}}) {
                    int width = window[1] - window[0];
                    float[] ref = guarded(m * width);
                    naive.gatherCentered(pixels, order, first, mean, ref, m, d, window[0], window[1], from, to);
                    float[] x = guarded(m * width);
                    kernels.gatherCentered(pixels, order, first, mean, x, m, d, window[0], window[1], from, to);
                    for (int e = 0; e < x.length; e++) {
                        if (Float.floatToRawIntBits(x[e]) != Float.floatToRawIntBits(ref[e])) {
                            fail(at + " rows [" + from + ", " + to + ") columns [" + window[0] + ", " + window[1]
                                    + "): element " + e + " = " + x[e] + ", naive " + ref[e]);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#candidates")
    void lossKernelsMatchNaive(Backend backend, TestReporter reporter) {
        Kernels kernels = create(backend);
        Kernels naive = new NaiveKernels();
        ErrorScore loss = new ErrorScore(backend.cliName() + " squaredErrorLoss");
        ErrorScore grad = new ErrorScore(backend.cliName() + " squaredErrorGrad");
        for (int m : new int[] {0, 1, 2, 3, 7, 16, 17, 33, 100, 127, 128, 129, 500, 10_000}) {
            for (int n : new int[] {1, 2, 3, 9, 10, 16, 17, 33}) {
                int[] key = {m, n, 1};
                Random r = new Random(seedOf(key));
                String at = "m=" + m + " n=" + n + " seed " + seedOf(key);
                float[] s = gaussian(r, m * n);
                int[] labels = new int[m];
                for (int i = 0; i < m; i++) {
                    labels[i] = r.nextInt(n);
                }
                float[] s0 = s.clone();
                int[] labels0 = labels.clone();

                double absSum = 0;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double v = s[i * n + j];
                        absSum += v * v + (j == labels[i] ? 2 * Math.abs(v) + 1 : 0);
                    }
                }
                absSum = m == 0 ? 0 : absSum / m;
                loss.add(kernels.squaredErrorLoss(s, labels, m, n), naive.squaredErrorLoss(s, labels, m, n), absSum, at);

                float[] gRef = new float[m * n];
                naive.squaredErrorGrad(s, labels, gRef, m, n);
                float[] g = guarded(m * n);
                kernels.squaredErrorGrad(s, labels, g, m, n);
                assertSentinels(g, m * n, m * n + GUARD, at + " squaredErrorGrad");
                for (int e = 0; e < m * n; e++) {
                    double scaleAbs = 2.0 / m * (Math.abs(s[e]) + 1);
                    grad.add(g[e], gRef[e], scaleAbs, at, "g", e, 0);
                }

                assertEquals(naive.countCorrect(s, labels, m, n), kernels.countCorrect(s, labels, m, n), at + " countCorrect");
                assertUnchanged(s0, s, at + " s");
                assertEquals(java.util.Arrays.toString(labels0), java.util.Arrays.toString(labels), at + " labels changed");
            }
        }
        TestBackends.report(reporter, loss.check());
        TestBackends.report(reporter, grad.check());
    }
}
