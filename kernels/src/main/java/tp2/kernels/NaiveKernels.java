package tp2.kernels;

/**
 * The specification: each kernel written the way its formula in {@link Kernels} reads, with plain
 * loops and float arithmetic, no blocking, unrolling or threads. Every other backend is tested
 * against this one.
 */
public final class NaiveKernels implements Kernels {

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        for (int i = from; i < to; i++) {
            for (int j = 0; j < n; j++) {
                float sum = w[j];
                for (int p = 0; p < k; p++) {
                    sum += x[i * k + p] * w[(p + 1) * n + j];
                }
                out[i * n + j] = sum;
            }
        }
    }

    @Override
    public void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to) {
        Checks.matmulGradW(a, g, dw, m, k, n, from, to);
        for (int r = from; r < to; r++) {   // r = 0 is the bias row, r = p + 1 the weight row of input p
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int i = 0; i < m; i++) {
                    float ai = r == 0 ? 1f : a[i * k + (r - 1)];
                    sum += ai * g[i * n + j];
                }
                dw[r * n + j] = sum;
            }
        }
    }

    @Override
    public void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n, int from, int to) {
        Checks.matmulGradX(g, w, gx, m, k, n, from, to);
        for (int i = from; i < to; i++) {
            for (int p = 0; p < k; p++) {
                float sum = 0f;
                for (int j = 0; j < n; j++) {
                    sum += g[i * n + j] * w[(p + 1) * n + j];
                }
                gx[i * k + p] = sum;
            }
        }
    }

    @Override
    public void sigmoid(float[] x, float[] out, int from, int to) {
        Checks.elementwise("sigmoid", "x", x, "out", out, from, to, true);
        for (int e = from; e < to; e++) {
            out[e] = (float) (1.0 / (1.0 + Math.exp(-x[e])));
        }
    }

    @Override
    public void sigmoidBackward(float[] s, float[] g, int from, int to) {
        Checks.elementwise("sigmoidBackward", "s", s, "g", g, from, to, false);
        for (int e = from; e < to; e++) {
            g[e] = ScalarMath.flushSubnormal(g[e] * (s[e] * (1f - s[e])));
        }
    }

    @Override
    public float squaredErrorLoss(float[] s, int[] labels, int m, int n) {
        Checks.loss("squaredErrorLoss", s, labels, m, n);
        if (m == 0) {
            return 0f;
        }
        double sum = 0.0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double d = s[i * n + j] - (j == labels[i] ? 1.0 : 0.0);
                sum += d * d;
            }
        }
        return (float) (sum / m);
    }

    @Override
    public void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n, int from, int to) {
        Checks.lossGrad(s, labels, g, m, n, from, to);
        float scale = 2f / m;
        for (int i = from; i < to; i++) {
            for (int j = 0; j < n; j++) {
                float y = j == labels[i] ? 1f : 0f;
                g[i * n + j] = scale * (s[i * n + j] - y);
            }
        }
    }

    @Override
    public int countCorrect(float[] s, int[] labels, int m, int n) {
        Checks.loss("countCorrect", s, labels, m, n);
        return ScalarMath.countCorrect(s, labels, m, n);
    }

    @Override
    public float sgdUpdate(float[] w, float[] dw, float lr, float reg, int from, int to) {
        Checks.elementwise("sgdUpdate", "dw", dw, "w", w, from, to, false);
        float probe = 0f;
        for (int e = from; e < to; e++) {
            w[e] = w[e] - lr * (dw[e] + reg * w[e]);
            probe += w[e] * 0f;   // 0 for a finite weight, NaN for NaN or an infinity
        }
        return probe;
    }

    @Override
    public void add(float[] a, float[] b, float[] out, int from, int to) {
        Checks.add(a, b, out, from, to);
        for (int e = from; e < to; e++) {
            out[e] = a[e] + b[e];
        }
    }

    @Override
    public void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d, int c0, int c1,
                               int from, int to) {
        Checks.gather(pixels, order, first, mean, x, m, d, c0, c1, from, to);
        int width = c1 - c0;
        for (int b = from; b < to; b++) {
            int image = order[first + b];
            Checks.imageIndex(image, d == 0 ? Long.MAX_VALUE : pixels.length / d, b);
            for (int c = c0; c < c1; c++) {
                x[b * width + c - c0] = (pixels[image * d + c] & 0xFF) - mean[c];
            }
        }
    }
}
