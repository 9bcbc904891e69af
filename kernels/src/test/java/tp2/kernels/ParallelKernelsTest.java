package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp2.kernels.TestBackends.create;
import static tp2.kernels.TestBackends.gaussian;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Splitting a call over threads gives the backend's own result, bit for bit, for any thread count. */
class ParallelKernelsTest {
    private static final int[][] SHAPES = {{128, 3072, 100}, {128, 100, 10}, {80, 3072, 100}, {500, 100, 10},
        {37, 129, 113}, {1, 3072, 100}, {2, 65, 17}, {0, 5, 5}, {300, 300, 3}};

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void everyKernelIsIndependentOfTheThreadCount(Backend backend) {
        Kernels single = create(backend);
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (ParallelKernels parallel = new ParallelKernels(backend.create(), threads)) {
                Random random = new Random(threads);
                for (int[] s : SHAPES) {
                    int m = s[0], k = s[1], n = s[2];
                    String at = backend.cliName() + " " + threads + " threads " + TestBackends.shape(m, k, n);
                    float[] x = gaussian(random, m * k);
                    float[] w = gaussian(random, (k + 1) * n);
                    float[] g = gaussian(random, m * n);

                    float[] expected = new float[m * n];
                    float[] actual = new float[m * n];
                    single.matmulBias(x, w, expected, m, k, n);
                    parallel.matmulBias(x, w, actual, m, k, n);
                    assertArrayEquals(expected, actual, at + " matmulBias");
                    single.matmulBiasSigmoid(x, w, expected, m, k, n);
                    parallel.matmulBiasSigmoid(x, w, actual, m, k, n);
                    assertArrayEquals(expected, actual, at + " matmulBiasSigmoid");

                    float[] dwExpected = new float[(k + 1) * n];
                    float[] dwActual = new float[(k + 1) * n];
                    single.matmulGradW(x, g, dwExpected, m, k, n);
                    parallel.matmulGradW(x, g, dwActual, m, k, n);
                    assertArrayEquals(dwExpected, dwActual, at + " matmulGradW");

                    float[] gxExpected = new float[m * k];
                    float[] gxActual = new float[m * k];
                    single.matmulGradX(g, w, gxExpected, m, k, n);
                    parallel.matmulGradX(g, w, gxActual, m, k, n);
                    assertArrayEquals(gxExpected, gxActual, at + " matmulGradX");

                    float[] sExpected = new float[x.length];
                    float[] sActual = new float[x.length];
                    single.sigmoid(x, sExpected, 0, x.length);
                    parallel.sigmoid(x, sActual, 0, x.length);
                    assertArrayEquals(sExpected, sActual, at + " sigmoid");
                    float[] gExpected = x.clone();
                    float[] gActual = x.clone();
                    single.sigmoidBackward(sExpected, gExpected, Math.min(1, x.length), x.length);
                    parallel.sigmoidBackward(sExpected, gActual, Math.min(1, x.length), x.length);
                    assertArrayEquals(gExpected, gActual, at + " sigmoidBackward");

                    float[] wExpected = w.clone();
                    float[] wActual = w.clone();
                    float[] dw = gaussian(random, w.length);
                    assertEquals(single.sgdUpdate(wExpected, dw, 1e-3f, 1e-4f, 0, w.length),
                            parallel.sgdUpdate(wActual, dw, 1e-3f, 1e-4f, 0, w.length), at + " sgdUpdate probe");
                    assertArrayEquals(wExpected, wActual, at + " sgdUpdate");
                    wActual[wActual.length / 2] = Float.NaN;
                    assertTrue(Float.isNaN(parallel.sgdUpdate(wActual, dw, 1e-3f, 1e-4f, 0, w.length)),
                            at + " sgdUpdate probe of a NaN weight");

                    byte[] pixels = new byte[(m + 3) * k];
                    random.nextBytes(pixels);
                    int[] order = new int[m];
                    for (int i = 0; i < m; i++) {
                        order[i] = random.nextInt(m + 3);
                    }
                    float[] mean = gaussian(random, k);
                    float[] xExpected = new float[m * k];
                    float[] xActual = new float[m * k];
                    single.gatherCentered(pixels, order, 0, mean, xExpected, m, k, 0, m);
                    parallel.gatherCentered(pixels, order, 0, mean, xActual, m, k, 0, m);
                    assertArrayEquals(xExpected, xActual, at + " gatherCentered");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void aFailingSliceIsRethrownToTheCaller(Backend backend) {
        try (ParallelKernels parallel = new ParallelKernels(create(backend), 2)) {
            int[] labels = {0, 7};
            assertThrows(IllegalArgumentException.class, () -> parallel.squaredErrorLoss(new float[20], labels, 2, 5));
            assertEquals(backend.cliName(), parallel.name());
            assertEquals(2, parallel.threads());
        }
    }
}
