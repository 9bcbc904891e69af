package tp2.kernels;

/**
 * Cache-blocked scalar Java, no Vector API. Each matrix kernel runs a 4 x 5 register block: twenty
 * output sums held in local variables while the reduction streams past, operands first copied into
 * small contiguous buffers where their natural stride is a runtime value (a slice of w for the forward
 * pass, columns of a and groups of columns of g for the weight gradient), so every inner-loop load
 * has a constant stride and C2 removes its bounds check. Per element, sums run in the same order as
 * in {@link NaiveKernels} (bias first, then p or i ascending) with each multiply-add fused by
 * {@link Math#fma} (one scalar instruction where the CPU has FMA): results are naive's loops with
 * fma to the bit, as are simd's. On JDK 17 fusing made these loops 1.3-1.4x faster than a separate
 * multiply and add; on JDK 25 it changed nothing.
 *
 * <p>The three register blocks differ only in how they index: one kernel reading every operand as
 * contiguous rows (weight-gradient operands copied transposed) made the weight gradient up to 1.5x
 * slower in alternated runs, so each keeps the layout that suits its operands.
 */
public final class BlockedKernels implements Kernels {

    /** Reduction steps per pass: weight rows of a forward block, batch rows of a gradient block. */
    static final int BLOCK_K = 256;
    /** Register block: output rows x output columns, held in 20 scalar locals. */
    static final int MR = 4, NR = 5;

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** Packed operands of one thread; they grow only, so a warmed-up call allocates nothing. */
    private static final class Scratch {
        private final float[] b = new float[BLOCK_K * NR];
        private final float[] a = new float[BLOCK_K * MR];
        private float[] g = new float[0];

        float[] g(int size) {
            if (g.length < size) {
                g = new float[size];
            }
            return g;
        }
    }

    @Override
    public String name() {
        return "blocked";
    }

    @Override
    public int rowBlock() {
        return MR;
    }

    /**
     * For each block of {@link #BLOCK_K} weight rows and {@link #NR} columns, that slice of w is
     * copied to a contiguous buffer (every load of the inner loop then has a constant stride, so C2
     * drops its bounds check) and every group of {@link #MR} rows of x runs the 4 x 5 register block
     * over it.
     */
    @Override
    public void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        for (int i = from; i < to; i++) {
            System.arraycopy(w, 0, out, i * n, n);   // bias row first, as in the specification
        }
        float[] b = scratch.get().b;
        int jEnd = n - n % NR;
        for (int p0 = 0; p0 < k; p0 += BLOCK_K) {
            int len = Math.min(k, p0 + BLOCK_K) - p0;
            for (int j = 0; j < jEnd; j += NR) {
                for (int q = 0; q < len; q++) {
                    System.arraycopy(w, (p0 + q + 1) * n + j, b, q * NR, NR);
                }
                int i = from;
                for (; i + MR <= to; i += MR) {
                    forward4x5(x, i * k + p0, k, b, len, out, i * n + j, n);
                }
                for (; i < to; i++) {   // tail rows
                    forward1x5(x, i * k + p0, b, len, out, i * n + j);
                }
            }
            for (int j = jEnd; j < n; j++) {   // tail columns
                for (int i = from; i < to; i++) {
                    float sum = out[i * n + j];
                    for (int p = p0; p < p0 + len; p++) {
                        sum = Math.fma(x[i * k + p], w[(p + 1) * n + j], sum);
                    }
                    out[i * n + j] = sum;
                }
            }
        }
    }

    /** out[4 rows][5 columns] += x[4 rows][len] . b[len][5]. */
    private static void forward4x5(float[] x, int x0, int k, float[] b, int len, float[] out, int o0, int n) {
        int x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
        int o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
        float c00 = out[o0 + 0], c01 = out[o0 + 1], c02 = out[o0 + 2], c03 = out[o0 + 3], c04 = out[o0 + 4];
        float c10 = out[o1 + 0], c11 = out[o1 + 1], c12 = out[o1 + 2], c13 = out[o1 + 3], c14 = out[o1 + 4];
        float c20 = out[o2 + 0], c21 = out[o2 + 1], c22 = out[o2 + 2], c23 = out[o2 + 3], c24 = out[o2 + 4];
        float c30 = out[o3 + 0], c31 = out[o3 + 1], c32 = out[o3 + 2], c33 = out[o3 + 3], c34 = out[o3 + 4];
        for (int q = 0; q < len; q++) {
            float b0 = b[q * NR + 0], b1 = b[q * NR + 1], b2 = b[q * NR + 2], b3 = b[q * NR + 3], b4 = b[q * NR + 4];
            float a0 = x[x0 + q];
            c00 = Math.fma(a0, b0, c00); c01 = Math.fma(a0, b1, c01); c02 = Math.fma(a0, b2, c02); c03 = Math.fma(a0, b3, c03); c04 = Math.fma(a0, b4, c04);
            float a1 = x[x1 + q];
            c10 = Math.fma(a1, b0, c10); c11 = Math.fma(a1, b1, c11); c12 = Math.fma(a1, b2, c12); c13 = Math.fma(a1, b3, c13); c14 = Math.fma(a1, b4, c14);
            float a2 = x[x2 + q];
            c20 = Math.fma(a2, b0, c20); c21 = Math.fma(a2, b1, c21); c22 = Math.fma(a2, b2, c22); c23 = Math.fma(a2, b3, c23); c24 = Math.fma(a2, b4, c24);
            float a3 = x[x3 + q];
            c30 = Math.fma(a3, b0, c30); c31 = Math.fma(a3, b1, c31); c32 = Math.fma(a3, b2, c32); c33 = Math.fma(a3, b3, c33); c34 = Math.fma(a3, b4, c34);
        }
        out[o0 + 0] = c00; out[o0 + 1] = c01; out[o0 + 2] = c02; out[o0 + 3] = c03; out[o0 + 4] = c04;
        out[o1 + 0] = c10; out[o1 + 1] = c11; out[o1 + 2] = c12; out[o1 + 3] = c13; out[o1 + 4] = c14;
        out[o2 + 0] = c20; out[o2 + 1] = c21; out[o2 + 2] = c22; out[o2 + 3] = c23; out[o2 + 4] = c24;
        out[o3 + 0] = c30; out[o3 + 1] = c31; out[o3 + 2] = c32; out[o3 + 3] = c33; out[o3 + 4] = c34;
    }

    /** out[1 row][5 columns] += x[1 row][len] . b[len][5]. */
    private static void forward1x5(float[] x, int x0, float[] b, int len, float[] out, int o0) {
        float c0 = out[o0], c1 = out[o0 + 1], c2 = out[o0 + 2], c3 = out[o0 + 3], c4 = out[o0 + 4];
        for (int q = 0; q < len; q++) {
            float a = x[x0 + q];
            c0 = Math.fma(a, b[q * NR], c0);
            c1 = Math.fma(a, b[q * NR + 1], c1);
            c2 = Math.fma(a, b[q * NR + 2], c2);
            c3 = Math.fma(a, b[q * NR + 3], c3);
            c4 = Math.fma(a, b[q * NR + 4], c4);
        }
        out[o0] = c0;
        out[o0 + 1] = c1;
        out[o0 + 2] = c2;
        out[o0 + 3] = c3;
        out[o0 + 4] = c4;
    }

    /**
     * For each block of {@link #BLOCK_K} batch rows, g is copied once into groups of {@link #NR}
     * columns and, for each group of {@link #MR} dw rows, the matching columns of a into a
     * contiguous buffer; the 4 x 5 register block then runs with constant strides. Sums start at 0
     * and run over the batch in order, as in the specification.
     */
    @Override
    public void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to) {
        Checks.matmulGradW(a, g, dw, m, k, n, from, to);
        java.util.Arrays.fill(dw, from * n, to * n, 0f);
        if (from == 0 && to > 0) {   // bias row: column sums of g
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
        Scratch s = scratch.get();
        float[] ap = s.a;
        float[] gp = s.g(BLOCK_K * n);
        int jEnd = n - n % NR;
        for (int i0 = 0; i0 < m; i0 += BLOCK_K) {
            int len = Math.min(m, i0 + BLOCK_K) - i0;
            for (int j = 0; j < jEnd; j += NR) {   // gp: for each group of 5 columns, len rows of 5
                for (int q = 0; q < len; q++) {
                    System.arraycopy(g, (i0 + q) * n + j, gp, j * len + q * NR, NR);
                }
            }
            int r = r0;
            for (; r + MR <= to; r += MR) {
                for (int q = 0; q < len; q++) {
                    System.arraycopy(a, (i0 + q) * k + r - 1, ap, q * MR, MR);
                }
                for (int j = 0; j < jEnd; j += NR) {
                    gradW4x5(ap, gp, j * len, len, dw, r * n + j, n);
                }
                for (int j = jEnd; j < n; j++) {   // tail columns
                    for (int t = 0; t < MR; t++) {
                        float sum = dw[(r + t) * n + j];
                        for (int q = 0; q < len; q++) {
                            sum = Math.fma(ap[q * MR + t], g[(i0 + q) * n + j], sum);
                        }
                        dw[(r + t) * n + j] = sum;
                    }
                }
            }
            for (; r < to; r++) {   // tail rows
                for (int j = 0; j < n; j++) {
                    float sum = dw[r * n + j];
                    for (int q = 0; q < len; q++) {
                        sum = Math.fma(a[(i0 + q) * k + r - 1], g[(i0 + q) * n + j], sum);
                    }
                    dw[r * n + j] = sum;
                }
            }
        }
    }

    /** dw[4 rows][5 columns] += ap[len][4]^T . gp[len][5], both packed. */
    private static void gradW4x5(float[] ap, float[] gp, int g0, int len, float[] dw, int o0, int n) {
        int o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
        float c00 = dw[o0 + 0], c01 = dw[o0 + 1], c02 = dw[o0 + 2], c03 = dw[o0 + 3], c04 = dw[o0 + 4];
        float c10 = dw[o1 + 0], c11 = dw[o1 + 1], c12 = dw[o1 + 2], c13 = dw[o1 + 3], c14 = dw[o1 + 4];
        float c20 = dw[o2 + 0], c21 = dw[o2 + 1], c22 = dw[o2 + 2], c23 = dw[o2 + 3], c24 = dw[o2 + 4];
        float c30 = dw[o3 + 0], c31 = dw[o3 + 1], c32 = dw[o3 + 2], c33 = dw[o3 + 3], c34 = dw[o3 + 4];
        for (int q = 0; q < len; q++) {
            float b0 = gp[g0 + q * NR + 0], b1 = gp[g0 + q * NR + 1], b2 = gp[g0 + q * NR + 2], b3 = gp[g0 + q * NR + 3], b4 = gp[g0 + q * NR + 4];
            float a0 = ap[q * MR + 0];
            c00 = Math.fma(a0, b0, c00); c01 = Math.fma(a0, b1, c01); c02 = Math.fma(a0, b2, c02); c03 = Math.fma(a0, b3, c03); c04 = Math.fma(a0, b4, c04);
            float a1 = ap[q * MR + 1];
            c10 = Math.fma(a1, b0, c10); c11 = Math.fma(a1, b1, c11); c12 = Math.fma(a1, b2, c12); c13 = Math.fma(a1, b3, c13); c14 = Math.fma(a1, b4, c14);
            float a2 = ap[q * MR + 2];
            c20 = Math.fma(a2, b0, c20); c21 = Math.fma(a2, b1, c21); c22 = Math.fma(a2, b2, c22); c23 = Math.fma(a2, b3, c23); c24 = Math.fma(a2, b4, c24);
            float a3 = ap[q * MR + 3];
            c30 = Math.fma(a3, b0, c30); c31 = Math.fma(a3, b1, c31); c32 = Math.fma(a3, b2, c32); c33 = Math.fma(a3, b3, c33); c34 = Math.fma(a3, b4, c34);
        }
        dw[o0 + 0] = c00; dw[o0 + 1] = c01; dw[o0 + 2] = c02; dw[o0 + 3] = c03; dw[o0 + 4] = c04;
        dw[o1 + 0] = c10; dw[o1 + 1] = c11; dw[o1 + 2] = c12; dw[o1 + 3] = c13; dw[o1 + 4] = c14;
        dw[o2 + 0] = c20; dw[o2 + 1] = c21; dw[o2 + 2] = c22; dw[o2 + 3] = c23; dw[o2 + 4] = c24;
        dw[o3 + 0] = c30; dw[o3 + 1] = c31; dw[o3 + 2] = c32; dw[o3 + 3] = c33; dw[o3 + 4] = c34;
    }

    /** Each output is a dot product of two contiguous rows: 4 rows of g against 5 rows of w at a time. */
    @Override
    public void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n, int from, int to) {
        Checks.matmulGradX(g, w, gx, m, k, n, from, to);
        int pEnd = k - k % NR;
        int i = from;
        for (; i + MR <= to; i += MR) {
            for (int p = 0; p < pEnd; p += NR) {
                gradX4x5(g, i * n, w, (p + 1) * n, n, gx, i * k + p, k);
            }
        }
        for (int r = from; r < to; r++) {   // what the blocks left: tail columns, then whole tail rows
            for (int p = r < i ? pEnd : 0; p < k; p++) {
                float sum = 0f;
                for (int j = 0; j < n; j++) {
                    sum = Math.fma(g[r * n + j], w[(p + 1) * n + j], sum);
                }
                gx[r * k + p] = sum;
            }
        }
    }

    /** gx[4 rows][5 columns] = g[4 rows][n] . w[5 rows][n]^T, every row contiguous. */
    private static void gradX4x5(float[] g, int g0, float[] w, int w0, int n, float[] gx, int o0, int k) {
        int g1 = g0 + n, g2 = g1 + n, g3 = g2 + n;
        int w1 = w0 + n, w2 = w1 + n, w3 = w2 + n, w4 = w3 + n;
        int o1 = o0 + k, o2 = o1 + k, o3 = o2 + k;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c04 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f, c14 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c24 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f, c34 = 0f;
        for (int j = 0; j < n; j++) {
            float b0 = w[w0 + j], b1 = w[w1 + j], b2 = w[w2 + j], b3 = w[w3 + j], b4 = w[w4 + j];
            float a0 = g[g0 + j];
            c00 = Math.fma(a0, b0, c00); c01 = Math.fma(a0, b1, c01); c02 = Math.fma(a0, b2, c02); c03 = Math.fma(a0, b3, c03); c04 = Math.fma(a0, b4, c04);
            float a1 = g[g1 + j];
            c10 = Math.fma(a1, b0, c10); c11 = Math.fma(a1, b1, c11); c12 = Math.fma(a1, b2, c12); c13 = Math.fma(a1, b3, c13); c14 = Math.fma(a1, b4, c14);
            float a2 = g[g2 + j];
            c20 = Math.fma(a2, b0, c20); c21 = Math.fma(a2, b1, c21); c22 = Math.fma(a2, b2, c22); c23 = Math.fma(a2, b3, c23); c24 = Math.fma(a2, b4, c24);
            float a3 = g[g3 + j];
            c30 = Math.fma(a3, b0, c30); c31 = Math.fma(a3, b1, c31); c32 = Math.fma(a3, b2, c32); c33 = Math.fma(a3, b3, c33); c34 = Math.fma(a3, b4, c34);
        }
        gx[o0 + 0] = c00; gx[o0 + 1] = c01; gx[o0 + 2] = c02; gx[o0 + 3] = c03; gx[o0 + 4] = c04;
        gx[o1 + 0] = c10; gx[o1 + 1] = c11; gx[o1 + 2] = c12; gx[o1 + 3] = c13; gx[o1 + 4] = c14;
        gx[o2 + 0] = c20; gx[o2 + 1] = c21; gx[o2 + 2] = c22; gx[o2 + 3] = c23; gx[o2 + 4] = c24;
        gx[o3 + 0] = c30; gx[o3 + 1] = c31; gx[o3 + 2] = c32; gx[o3 + 3] = c33; gx[o3 + 4] = c34;
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
            g[e] = ScalarMath.flushSubnormal(g[e] * (se - se * se));
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
    public void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n, int from, int to) {
        Checks.lossGrad(s, labels, g, m, n, from, to);
        float scale = 2f / m;
        for (int e = from * n; e < to * n; e++) {
            g[e] = scale * s[e];
        }
        for (int i = from; i < to; i++) {
            g[i * n + labels[i]] -= scale;
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
    public void add(float[] a, float[] b, float[] out, int from, int to) {
        Checks.add(a, b, out, from, to);
        for (int e = from; e < to; e++) {   // C2 vectorises this loop
            out[e] = a[e] + b[e];
        }
    }

    @Override
    public void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d, int c0, int c1,
                               int from, int to) {
        Checks.gather(pixels, order, first, mean, x, m, d, c0, c1, from, to);
        long images = d == 0 ? Long.MAX_VALUE : pixels.length / d;
        int width = c1 - c0;
        for (int b = from; b < to; b++) {
            int image = order[first + b];
            Checks.imageIndex(image, images, b);
            int src = image * d + c0;
            int dst = b * width;
            for (int c = 0; c < width; c++) {   // contiguous on both sides: C2 vectorises this loop
                x[dst + c] = (pixels[src + c] & 0xFF) - mean[c0 + c];
            }
        }
    }
}
