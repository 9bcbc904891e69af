package tp2.kernels;

/**
 * Cache-blocked scalar Java, no Vector API. The matrix kernels keep a block of weight rows in
 * cache while a few output rows are updated from it, and run the innermost loop along contiguous
 * memory (which C2 may vectorise on its own). Per element, sums run in the same order as in
 * {@link NaiveKernels} (bias first, then p or i ascending), so results match naive bit for bit.
 */
public final class BlockedKernels implements Kernels {

    /** Weight rows kept in cache while output rows are updated: 256 rows x 100 floats = 100 KiB. */
    static final int BLOCK_K = 256; // rows of w
    /** Output rows updated together from each loaded weight row. */
    static final int BLOCK_M = 4; // rows
    /** Rows of dw accumulated together while g is streamed: 64 x 100 floats = 25 KiB. */
    static final int BLOCK_DW = 64; // rows of dw

    @Override
    public String name() {
        return "blocked";
    }

    @Override
    public void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        for (int i = from; i < to; i++) {
            System.arraycopy(w, 0, out, i * n, n);   // bias row first, as in the specification
        }
        for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
            int p1 = Math.min(k, p0 + BLOCK_K);
            int i = from;
            for (; i + BLOCK_M <= to; i += BLOCK_M) {
                rows4PlusXW(x, w, out, k, n, i, p0, p1);
            }
            for (; i < to; i++) {   // tail rows
                int o = i * n;
                for (int p = p0; p < p1; p++) {
                    float xv = x[i * k + p];
                    int wr = (p + 1) * n;
                    for (int j = 0; j < n; j++) {
                        out[o + j] += xv * w[wr + j];
                    }
                }
            }
        }
    }

    /** out[i..i+3][:] += x[i..i+3][p0..p1) . w[p0+1..p1+1)[:], one weight row loaded for four output rows. */
    private static void rows4PlusXW(float[] x, float[] w, float[] out, int k, int n, int i, int p0, int p1) {
        int o0 = i * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
        for (int p = p0; p < p1; p++) {
            float x0 = x[i * k + p], x1 = x[(i + 1) * k + p], x2 = x[(i + 2) * k + p], x3 = x[(i + 3) * k + p];
            int wr = (p + 1) * n;
            for (int j = 0; j < n; j++) {
                float wv = w[wr + j];
                out[o0 + j] += x0 * wv;
                out[o1 + j] += x1 * wv;
                out[o2 + j] += x2 * wv;
                out[o3 + j] += x3 * wv;
            }
        }
    }

    @Override
    public void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to) {
        Checks.matmulGradW(a, g, dw, m, k, n, from, to);
        if (from == 0 && to > 0) {   // bias row: column sums of g
            java.util.Arrays.fill(dw, 0, n, 0f);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    dw[j] += g[i * n + j];
                }
            }
        }
        int r0 = Math.max(from, 1);
        if (r0 >= to) {
            return;
        }
        java.util.Arrays.fill(dw, r0 * n, to * n, 0f);
        // A block of dw rows stays in cache while every row of g streams past once.
        for (int rb = r0; rb < to; rb += BLOCK_DW) {
            int re = Math.min(to, rb + BLOCK_DW);
            for (int i = 0; i < m; i++) {
                int gr = i * n;
                int r = rb;
                for (; r + 4 <= re; r += 4) {
                    float a0 = a[i * k + r - 1], a1 = a[i * k + r], a2 = a[i * k + r + 1], a3 = a[i * k + r + 2];
                    int d0 = r * n, d1 = d0 + n, d2 = d1 + n, d3 = d2 + n;
                    for (int j = 0; j < n; j++) {
                        float gv = g[gr + j];
                        dw[d0 + j] += a0 * gv;
                        dw[d1 + j] += a1 * gv;
                        dw[d2 + j] += a2 * gv;
                        dw[d3 + j] += a3 * gv;
                    }
                }
                for (; r < re; r++) {   // tail rows of the block
                    float av = a[i * k + r - 1];
                    int d = r * n;
                    for (int j = 0; j < n; j++) {
                        dw[d + j] += av * g[gr + j];
                    }
                }
            }
        }
    }

    @Override
    public void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n, int from, int to) {
        Checks.matmulGradX(g, w, gx, m, k, n, from, to);
        // Each output is a dot product of two contiguous rows; four rows of g share each w row.
        int i = from;
        for (; i + BLOCK_M <= to; i += BLOCK_M) {
            int g0 = i * n, g1 = g0 + n, g2 = g1 + n, g3 = g2 + n;
            for (int p = 0; p < k; p++) {
                int wr = (p + 1) * n;
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                for (int j = 0; j < n; j++) {
                    float wv = w[wr + j];
                    s0 += g[g0 + j] * wv;
                    s1 += g[g1 + j] * wv;
                    s2 += g[g2 + j] * wv;
                    s3 += g[g3 + j] * wv;
                }
                gx[i * k + p] = s0;
                gx[(i + 1) * k + p] = s1;
                gx[(i + 2) * k + p] = s2;
                gx[(i + 3) * k + p] = s3;
            }
        }
        for (; i < to; i++) {   // tail rows
            for (int p = 0; p < k; p++) {
                int wr = (p + 1) * n;
                float sum = 0f;
                for (int j = 0; j < n; j++) {
                    sum += g[i * n + j] * w[wr + j];
                }
                gx[i * k + p] = sum;
            }
        }
    }

    @Override
    public void sigmoid(float[] x, float[] out, int from, int to) {
        Checks.elementwise("sigmoid", "x", x, "out", out, from, to, true);
        for (int e = from; e < to; e++) {
            out[e] = 1f / (1f + (float) Math.exp(-x[e]));
        }
    }

    @Override
    public void sigmoidBackward(float[] s, float[] g, int from, int to) {
        Checks.elementwise("sigmoidBackward", "s", s, "g", g, from, to, false);
        for (int e = from; e < to; e++) {
            float se = s[e];
            g[e] *= se - se * se;
        }
    }

    @Override
    public float squaredErrorLoss(float[] s, int[] labels, int m, int n) {
        Checks.loss("squaredErrorLoss", s, labels, m, n);
        if (m == 0) {
            return 0f;
        }
        double sum = 0;   // a long sum of positive terms: float would lose about sqrt(m) ulps
        for (int i = 0; i < m; i++) {
            float row = 0f;
            for (int j = 0; j < n; j++) {
                float v = s[i * n + j];
                row += v * v;
            }
            float sl = s[i * n + labels[i]];
            sum += row + (1f - 2f * sl);   // (s_l - 1)^2 = s_l^2 - 2 s_l + 1
        }
        return (float) (sum / m);
    }

    @Override
    public void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n) {
        Checks.lossGrad(s, labels, g, m, n);
        float scale = 2f / m;
        for (int e = 0; e < m * n; e++) {
            g[e] = scale * s[e];
        }
        for (int i = 0; i < m; i++) {
            g[i * n + labels[i]] -= scale;
        }
    }

    @Override
    public int countCorrect(float[] s, int[] labels, int m, int n) {
        Checks.loss("countCorrect", s, labels, m, n);
        return countCorrectRows(s, labels, m, n);
    }

    /** Argmax per row in one pass, keeping the best value in a register; shared with simd. */
    static int countCorrectRows(float[] s, int[] labels, int m, int n) {
        int correct = 0;
        for (int i = 0; i < m; i++) {
            int row = i * n;
            int best = 0;
            float bestValue = s[row];
            for (int j = 1; j < n; j++) {
                float v = s[row + j];
                if (v > bestValue) {
                    bestValue = v;
                    best = j;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    @Override
    public float sgdUpdate(float[] w, float[] dw, float lr, float reg, int from, int to) {
        Checks.elementwise("sgdUpdate", "dw", dw, "w", w, from, to, false);
        float decay = 1f - lr * reg;   // w - lr (dw + reg w) = (1 - lr reg) w - lr dw
        // The probe ORs, per element, its exponent bits plus one exponent step: bit 31 is set only for
        // an all-ones exponent (NaN or an infinity). Integer and/add/or have none of the latency a
        // float sum would chain through the loop, and no branch.
        int bad = 0;
        for (int e = from; e < to; e++) {
            float updated = decay * w[e] - lr * dw[e];
            w[e] = updated;
            bad |= (Float.floatToRawIntBits(updated) & 0x7F800000) + 0x00800000;
        }
        return bad < 0 ? Float.NaN : 0f;
    }

    @Override
    public void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d,
                               int from, int to) {
        Checks.gather(pixels, order, first, mean, x, m, d, from, to);
        long images = d == 0 ? Long.MAX_VALUE : pixels.length / d;
        for (int b = from; b < to; b++) {
            int image = order[first + b];
            Checks.imageIndex(image, images, b);
            int src = image * d;
            int dst = b * d;
            for (int c = 0; c < d; c++) {   // contiguous on both sides: C2 vectorises this loop
                x[dst + c] = (pixels[src + c] & 0xFF) - mean[c];
            }
        }
    }
}
