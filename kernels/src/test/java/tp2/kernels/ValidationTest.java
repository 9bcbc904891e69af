package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Shape mismatches, bad ranges and aliased outputs throw IllegalArgumentException naming the dimensions. */
class ValidationTest {

    private static void assertRejected(Executable call, String... mustMention) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : mustMention) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    static java.util.stream.Stream<Kernels> allKernels() {
        return TestBackends.backends().filter(b -> b.unavailableReason() == null)
                .flatMap(b -> java.util.stream.Stream.of(b.create(), new ParallelKernels(b.create(), 2)));
    }

    @ParameterizedTest
    @MethodSource("allKernels")
    void matmulShapesAreChecked(Kernels kernels) {
        int m = 2, k = 3, n = 4;
        float[] x = new float[m * k], w = new float[(k + 1) * n], out = new float[m * n];
        assertRejected(() -> kernels.matmulBias(new float[m * k - 1], w, out, m, k, n), "x", "m x k = 2 x 3", "6", "5");
        assertRejected(() -> kernels.matmulBias(x, new float[k * n], out, m, k, n), "w", "(k+1) x n = 4 x 4");
        assertRejected(() -> kernels.matmulBias(x, w, new float[m * n - 1], m, k, n), "out", "m x n = 2 x 4");
        assertRejected(() -> kernels.matmulBias(x, w, out, -1, k, n), "m=-1");
        assertRejected(() -> kernels.matmulBias(x, w, out, m, k, n, 1, 3), "[1, 3)", "m");
        assertRejected(() -> kernels.matmulBias(x, w, out, m, k, n, 2, 1), "[2, 1)");
        assertRejected(() -> kernels.matmulBiasSigmoid(x, w, out, m, k, n + 1), "w");

        float[] g = new float[m * n], dw = new float[(k + 1) * n], gx = new float[m * k];
        assertRejected(() -> kernels.matmulGradW(x, new float[m * n - 1], dw, m, k, n), "g", "m x n = 2 x 4");
        assertRejected(() -> kernels.matmulGradW(x, g, new float[k * n], m, k, n), "dw", "(k+1) x n = 4 x 4");
        assertRejected(() -> kernels.matmulGradW(x, g, dw, m, k, n, 0, k + 2), "k+1", "[0, 5)");
        assertRejected(() -> kernels.matmulGradX(g, w, new float[m * k - 1], m, k, n), "gx", "m x k = 2 x 3");
        assertRejected(() -> kernels.matmulGradX(g, new float[k], gx, m, k, n), "w", "(k+1) x n");
    }

    @ParameterizedTest
    @MethodSource("allKernels")
    void outputsMustNotAliasInputs(Kernels kernels) {
        int m = 3, k = 3, n = 3;
        float[] a = new float[16], b = new float[16];
        assertRejected(() -> kernels.matmulBias(a, b, a, m, k, n), "out", "x");
        assertRejected(() -> kernels.matmulBias(a, b, b, m, k, n), "out", "w");
        assertRejected(() -> kernels.matmulGradW(a, b, a, m, k, n), "dw", "a");
        assertRejected(() -> kernels.matmulGradW(a, b, b, m, k, n), "dw", "g");
        assertRejected(() -> kernels.matmulGradX(a, b, a, m, k, n), "gx", "g");
        assertRejected(() -> kernels.matmulGradX(a, b, b, m, k, n), "gx", "w");
        assertRejected(() -> kernels.sigmoidBackward(a, a, 0, 4), "g", "s");
        assertRejected(() -> kernels.sgdUpdate(a, a, 0.1f, 0f, 0, 4), "w", "dw");
        assertRejected(() -> kernels.squaredErrorGrad(a, new int[3], a, 3, 3), "g", "s");
    }

    @ParameterizedTest
    @MethodSource("allKernels")
    void elementwiseRangesAndLabelsAreChecked(Kernels kernels) {
        float[] a = new float[8], b = new float[4];
        assertRejected(() -> kernels.sigmoid(a, b, 0, 5), "[0, 5)", "4 floats");
        assertRejected(() -> kernels.sigmoid(a, b, 3, 2), "[3, 2)");
        assertRejected(() -> kernels.sgdUpdate(b, a, 0.1f, 0f, 0, 5), "[0, 5)");
        assertRejected(() -> kernels.squaredErrorLoss(a, new int[] {0, 4}, 2, 4), "labels[1] = 4", "n = 4");
        assertRejected(() -> kernels.countCorrect(a, new int[] {-1, 0}, 2, 4), "labels[0] = -1");
        assertRejected(() -> kernels.squaredErrorLoss(a, new int[1], 2, 4), "labels", "m = 2");
        assertRejected(() -> kernels.squaredErrorGrad(a, new int[2], new float[7], 2, 4), "g", "2 x 4");
        byte[] pixels = new byte[6];
        assertRejected(() -> kernels.gatherCentered(pixels, new int[] {0, 2}, 0, new float[3], new float[6], 2, 3, 0, 2),
                "row 1 asks for image 2", "2 images");
        assertRejected(() -> kernels.gatherCentered(pixels, new int[] {0}, 0, new float[3], new float[6], 2, 3, 0, 2),
                "order");
        assertRejected(() -> kernels.gatherCentered(pixels, new int[] {0, 1}, 0, new float[3], new float[5], 2, 3, 0, 2),
                "x", "m x (c1 - c0) = 2 x 3");
        assertRejected(() -> kernels.gatherCentered(pixels, new int[] {0, 1}, 0, new float[3], new float[6], 2, 3, 2, 4, 0, 2),
                "columns [2, 4)", "[0, 3)");
        assertRejected(() -> kernels.gatherCentered(pixels, new int[] {0, 1}, 0, new float[3], new float[6], 2, 3, 2, 1, 0, 2),
                "columns [2, 1)");
        assertRejected(() -> kernels.add(a, b, a, 0, 5), "add", "[0, 5)");
        assertRejected(() -> kernels.add(a, a, a, 4, 3), "add", "[4, 3)");
        assertRejected(() -> kernels.squaredErrorGrad(a, new int[2], new float[8], 2, 4, 1, 3), "row range [1, 3)");
    }
}
