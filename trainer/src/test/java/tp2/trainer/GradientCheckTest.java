package tp2.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tp2.kernels.Backend;
import tp2.kernels.ParallelKernels;

/**
 * The hand-written gradient against the loss itself: a float64 twin of the network checked against
 * float64 central differences, and the float32 kernels' gradient checked against the float64 one.
 */
class GradientCheckTest {
    /** Every backend with 7 inputs (one slice of the first layer) and 800 (three, the last partial: Network.SLICE). */
    static Stream<Arguments> backendsAndInputs() {
        return Stream.of(Backend.values()).flatMap(b -> Stream.of(Arguments.of(b, 7), Arguments.of(b, 2 * Network.SLICE + 32)));
    }

    static final int M = 5, H = 6, C = 4;
    static final double REG = 1e-2;

    /** S1 of row i: sigmoid([1|x_i] W1), in double. */
    static double[] hidden(double[] x, double[] w1, int i, int k) {
        double[] s1 = new double[H];
        for (int h = 0; h < H; h++) {
            double z = w1[h];
            for (int p = 0; p < k; p++) {
                z += x[i * k + p] * w1[(p + 1) * H + h];
            }
            s1[h] = 1 / (1 + Math.exp(-z));
        }
        return s1;
    }

    /** loss = mean_i sum_j (S2 - Y)^2 + (reg/2)(|W1|^2 + |W2|^2), all in double. */
    static double loss(double[] x, int[] y, double[] w1, double[] w2, int k) {
        double total = 0;
        for (int i = 0; i < M; i++) {
            double[] s1 = hidden(x, w1, i, k);
            for (int j = 0; j < C; j++) {
                double s2 = w2[j];
                for (int h = 0; h < H; h++) {
                    s2 += s1[h] * w2[(h + 1) * C + j];
                }
                double d = s2 - (j == y[i] ? 1 : 0);
                total += d * d;
            }
        }
        double norm = 0;
        for (double v : w1) {
            norm += v * v;
        }
        for (double v : w2) {
            norm += v * v;
        }
        return total / M + REG / 2 * norm;
    }

    /** The analytic gradient in double, the same formulas as Network: returns {dW1, dW2} including reg W. */
    static double[][] gradient(double[] x, int[] y, double[] w1, double[] w2, int k) {
        double[] g1 = new double[w1.length], g2 = new double[w2.length];
        for (int i = 0; i < M; i++) {
            double[] s1 = hidden(x, w1, i, k);
            double[] gs2 = new double[C];
            for (int j = 0; j < C; j++) {
                double s2 = w2[j];
                for (int h = 0; h < H; h++) {
                    s2 += s1[h] * w2[(h + 1) * C + j];
                }
                gs2[j] = 2 * (s2 - (j == y[i] ? 1 : 0)) / M;
                g2[j] += gs2[j];
                for (int h = 0; h < H; h++) {
                    g2[(h + 1) * C + j] += s1[h] * gs2[j];
                }
            }
            for (int h = 0; h < H; h++) {
                double gz = 0;
                for (int j = 0; j < C; j++) {
                    gz += gs2[j] * w2[(h + 1) * C + j];
                }
                gz *= s1[h] * (1 - s1[h]);
                g1[h] += gz;
                for (int p = 0; p < k; p++) {
                    g1[(p + 1) * H + h] += x[i * k + p] * gz;
                }
            }
        }
        for (int e = 0; e < w1.length; e++) {
            g1[e] += REG * w1[e];
        }
        for (int e = 0; e < w2.length; e++) {
            g2[e] += REG * w2[e];
        }
        return new double[][] {g1, g2};
    }

    @ParameterizedTest
    @MethodSource("backendsAndInputs")
    void analyticGradientMatchesCentralDifferencesAndTheKernels(Backend backend, int k) {
        Random random = new Random(42);
        float[] xf = new float[M * k];
        for (int e = 0; e < xf.length; e++) {
            xf[e] = (float) random.nextGaussian();
        }
        int[] y = new int[M];
        for (int i = 0; i < M; i++) {
            y[i] = random.nextInt(C);
        }
        Network network = new Network(k, H, C, M);
        network.initialize(random, 0.5 * Math.sqrt(7.0 / k), 0.5);   // pre-activations of the same size for any k
        double[] x = toDouble(xf), w1 = toDouble(network.w1()), w2 = toDouble(network.w2);

        // float64: analytic against central differences
        double[][] analytic = gradient(x, y, w1, w2, k);
        double worst = 0;
        double step = 1e-5;
        for (int layer = 0; layer < 2; layer++) {
            double[] w = layer == 0 ? w1 : w2;
            for (int e = 0; e < w.length; e++) {
                double saved = w[e];
                w[e] = saved + step;
                double up = loss(x, y, w1, w2, k);
                w[e] = saved - step;
                double down = loss(x, y, w1, w2, k);
                w[e] = saved;
                double numeric = (up - down) / (2 * step);
                double a = analytic[layer][e];
                double rel = Math.abs(a - numeric) / Math.max(Math.max(Math.abs(a), Math.abs(numeric)), 1e-8);
                worst = Math.max(worst, rel);
            }
        }
        assertTrue(worst < 1e-6, "float64 analytic vs central differences: max relative error " + worst);

        // float32 kernels: dW (from the kernels) + reg W against the float64 analytic gradient
        network.selectGiven(xf, y, M);
        try (ParallelKernels kernels = new ParallelKernels(backend.create(), 1)) {
            network.gradients(kernels, new Network.StepResult());
        }
        double worst32 = 0;
        for (int layer = 0; layer < 2; layer++) {
            float[] dw = layer == 0 ? network.dw1() : network.dw2;
            float[] w = layer == 0 ? network.w1() : network.w2;
            double scale = 0;
            for (double v : analytic[layer]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int e = 0; e < dw.length; e++) {
                double g32 = dw[e] + (float) REG * w[e];
                double a = analytic[layer][e];
                worst32 = Math.max(worst32, Math.abs(g32 - a) / Math.max(Math.abs(a), 1e-3 * scale));
            }
        }
        assertTrue(worst32 < 1e-3, backend + " k=" + k + " float32 vs float64 gradient: max relative error " + worst32);
        System.out.printf("%s: float64 check %.2e, float32 vs float64 %.2e%n", backend, worst, worst32);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int e = 0; e < a.length; e++) {
            d[e] = a[e];
        }
        return d;
    }
}
