package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The specification against answers worked out by hand; everything else trusts it. */
class NaiveKernelsTest {
    private final Kernels naive = new NaiveKernels();

    // x is 2 x 3; w is 4 x 2: bias row (0.5, -1), then the rows of input 0, 1 and 2.
    private static final float[] X = {1, 2, 3,
                                      4, 5, 6};
    private static final float[] W = {0.5f, -1,
                                      1, 0,
                                      0, 1,
                                      1, 1};

    @Test
    void matmulBiasAddsTheBiasRowAndMultiplies() {
        float[] out = new float[4];
        naive.matmulBias(X, W, out, 2, 3, 2);
        // row 0: 0.5 + 1*1 + 2*0 + 3*1 = 4.5 ; -1 + 1*0 + 2*1 + 3*1 = 4
        // row 1: 0.5 + 4 + 0 + 6 = 10.5     ; -1 + 0 + 5 + 6 = 10
        assertArrayEquals(new float[] {4.5f, 4, 10.5f, 10}, out);
    }

    @Test
    void matmulBiasComputesOnlyTheRowRange() {
        float[] out = {7, 7, 7, 7};
        naive.matmulBias(X, W, out, 2, 3, 2, 1, 2);
        assertArrayEquals(new float[] {7, 7, 10.5f, 10}, out);
    }

    @Test
    void matmulBiasSigmoidIsSigmoidOfTheAffineLayer() {
        float[] out = new float[4];
        naive.matmulBiasSigmoid(X, W, out, 2, 3, 2);
        assertEquals(1 / (1 + Math.exp(-4.5)), out[0], 1e-7);
        assertEquals(1 / (1 + Math.exp(-10)), out[3], 1e-7);
    }

    @Test
    void matmulGradWHasColumnSumsThenATransposeG() {
        float[] g = {1, 2,
                     3, 4};
        float[] dw = new float[8];
        naive.matmulGradW(X, g, dw, 2, 3, 2);
        // bias row: (1+3, 2+4); row p+1: 1st row of a times (1,2) + 2nd row of a times (3,4)
        assertArrayEquals(new float[] {4, 6,
                                       13, 18,
                                       17, 24,
                                       21, 30}, dw);
    }

    @Test
    void matmulGradWWithNoRowsIsZero() {
        float[] dw = {9, 9, 9, 9};
        naive.matmulGradW(new float[0], new float[0], dw, 0, 1, 2);
        assertArrayEquals(new float[4], dw);
    }

    @Test
    void matmulGradXSkipsTheBiasRow() {
        float[] g = {1, 2,
                     3, 4};
        float[] gx = new float[6];
        naive.matmulGradX(g, W, gx, 2, 3, 2);
        // gx[i][p] = g[i] . w[p+1]: (1,2).(1,0)=1, (1,2).(0,1)=2, (1,2).(1,1)=3; (3,4): 3, 4, 7
        assertArrayEquals(new float[] {1, 2, 3,
                                       3, 4, 7}, gx);
    }

    @Test
    void sigmoidOfKnownPoints() {
        float ln3 = (float) Math.log(3);
        float[] x = {0, ln3, -ln3};
        float[] out = new float[3];
        naive.sigmoid(x, out, 0, 3);
        assertArrayEquals(new float[] {0.5f, 0.75f, 0.25f}, out, 1e-7f);
    }

    @Test
    void sigmoidInPlace() {
        float[] x = {0, 0};
        naive.sigmoid(x, x, 1, 2);
        assertArrayEquals(new float[] {0, 0.5f}, x);
    }

    @Test
    void sigmoidBackwardMultipliesByTheDerivative() {
        float[] s = {0.5f, 0.25f};
        float[] g = {2, 4};
        naive.sigmoidBackward(s, g, 0, 2);
        // 2 * 0.5 * 0.5 = 0.5 ; 4 * 0.25 * 0.75 = 0.75
        assertArrayEquals(new float[] {0.5f, 0.75f}, g);
    }

    @Test
    void squaredErrorLossIsTheMeanOverRowsOfTheSumOverClasses() {
        float[] s = {0.5f, 0.5f,
                     1, 0};
        int[] labels = {0, 0};
        // row 0: (0.5-1)^2 + 0.5^2 = 0.5 ; row 1: 0 ; mean 0.25
        assertEquals(0.25f, naive.squaredErrorLoss(s, labels, 2, 2));
        assertEquals(0f, naive.squaredErrorLoss(new float[0], new int[0], 0, 2));
    }

    @Test
    void squaredErrorGradIsTwoTimesTheResidualOverM() {
        float[] s = {0.5f, 0.5f,
                     1, 0};
        float[] g = new float[4];
        naive.squaredErrorGrad(s, new int[] {0, 0}, g, 2, 2);
        // 2/2 * (s - y)
        assertArrayEquals(new float[] {-0.5f, 0.5f, 0, 0}, g);
    }

    @Test
    void countCorrectTakesTheFirstArgmax() {
        float[] s = {0.1f, 0.9f,
                     0.7f, 0.2f,
                     0.5f, 0.5f,
                     Float.NaN, 3};
        // argmax 1 (hit), 0 (miss), 0 on a tie (hit), NaN in column 0 is never beaten: 0 (miss)
        assertEquals(2, naive.countCorrect(s, new int[] {1, 1, 0, 1}, 4, 2));
    }

    @Test
    void sgdUpdateAppliesTheGradientAndL2() {
        float[] w = {1, -2, 5};
        float[] dw = {0.5f, 1, 7};
        assertEquals(0f, naive.sgdUpdate(w, dw, 0.1f, 0.5f, 0, 2), "finite weights: probe 0");
        // 1 - 0.1 (0.5 + 0.5) = 0.9 ; -2 - 0.1 (1 - 1) = -2 ; element 2 is outside the range
        assertArrayEquals(new float[] {0.9f, -2, 5}, w, 1e-7f);
    }

    @Test
    void sgdUpdateProbesForNonFiniteWeights() {
        float[] w = {1, Float.MAX_VALUE};
        float[] dw = {0, -Float.MAX_VALUE};
        // 3.4e38 - 0.5 (-3.4e38 + 0) overflows to +Inf
        assertTrue(Float.isNaN(naive.sgdUpdate(w, dw, 0.5f, 0f, 0, 2)));
        assertEquals(Float.POSITIVE_INFINITY, w[1]);
    }

    @Test
    void gatherCenteredPicksRowsByIndexAndSubtractsTheMean() {
        byte[] pixels = {1, 2, 3,
                         (byte) 200, (byte) 255, 0};   // two images of d = 3; bytes are unsigned
        float[] mean = {0.5f, 1, 100};
        float[] x = new float[6];
        naive.gatherCentered(pixels, new int[] {9, 1, 0}, 1, mean, x, 2, 3, 0, 2);
        // row 0 is image order[1] = 1, row 1 is image order[2] = 0
        assertArrayEquals(new float[] {199.5f, 254, -100, 0.5f, 1, -97}, x);
    }

    @Test
    void gatherCenteredTakesAWindowOfColumns() {
        byte[] pixels = {1, 2, 3,
                         (byte) 200, (byte) 255, 0};
        float[] mean = {0.5f, 1, 100};
        float[] x = new float[4];
        naive.gatherCentered(pixels, new int[] {1, 0}, 0, mean, x, 2, 3, 1, 3, 0, 2);   // columns 1 and 2
        assertArrayEquals(new float[] {254, -100, 1, -97}, x);
    }

    @Test
    void addAddsElementByElementInTheRange() {
        float[] a = {1, 2, 3, 4};
        float[] b = {10, 20, 30, 40};
        float[] out = {-1, -1, -1, -1};
        naive.add(a, b, out, 1, 3);
        assertArrayEquals(new float[] {-1, 22, 33, -1}, out);
        naive.add(a, b, a, 0, 4);   // in place
        assertArrayEquals(new float[] {11, 22, 33, 44}, a);
    }
}
