package tp2.kernels;

import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API backend. Obtain it through {@link Backend#SIMD}, which checks
 * {@link Simd#unavailableReason()} before this class is loaded.
 *
 * <p>The three matrix kernels are one GEMM, {@code c += A . B}, with different views of their
 * operands, in three routines: {@link #gemmDirect} (both large matmuls, any width over 6 vectors)
 * reads B's rows in place and keeps the accumulators in the caller's output rows, covering a row
 * with panels of 7 vectors ({@code NR = 7 * lanes}) and 6, exactly where it can ({@link #sixes}),
 * else with a last panel or vector that overlaps the one before; {@link #gemmNarrow} serves
 * outputs at most one vector wide; {@link #gemm} packs B into zero-padded panels of NR columns for
 * the other widths and for the backprop matmul's transposed B. A is read in place through a row
 * stride and a column stride, except the weight gradient's columns of x, copied per row block
 * ({@link #packA}). The micro-kernel keeps 3 rows x 7 vectors of accumulators in registers (21 of
 * the 32 AVX-512 registers, plus 7 for the B row and one broadcast; a 3 x 6 twin for the 6-vector
 * panels) and runs the reduction in slices of {@link #BLOCK_K} so that a slice of a B panel stays in
 * L1 while a block of {@link #BLOCK_M} rows passes it.
 *
 * <p>Scratch buffers are per thread and grow only; a call allocates nothing once warmed up.
 */
public final class SimdKernels implements Kernels {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();                      // floats per vector
    private static final int NR = 7 * L;                          // floats per packed panel row
    /** Rows of A per micro-kernel call. */
    static final int MR = 3; // rows
    /**
     * Reduction length per pass over a panel: 48 x 112 floats = 21 KiB at 16 lanes, L1-resident beside
     * part of the accumulators (Zen 4's L1 holds 32 KiB). 64 was as fast at width 100 and up to 20%
     * slower at 1000 (docs/performance.md).
     */
    static final int BLOCK_K = 48; // floats
    /** Output rows per block; their accumulators, 48 x 112 floats = 21 KiB, stay in L1 across the reduction. */
    static final int BLOCK_M = 48; // rows, a multiple of MR
    /** Vectors summed in float lanes before the loss adds them to a double. */
    private static final int LOSS_BLOCK = 64; // vectors
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector ZERO = FloatVector.zero(S);
    /** A zero row a panel wide: where the weight gradient's accumulators start. */
    private static final float[] ZEROS = new float[NR];
    /** Ints of the same lane count as S, for widening bytes. */
    private static final VectorSpecies<Integer> INTS = S.withLanes(int.class);
    /** Bytes: at least 64 bits (the narrowest byte vector), of which the first L lanes are used. */
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** Packed B panels and the padded output block of one thread. */
    private static final class Scratch {
        private float[] packed = new float[0];
        private float[] c = new float[0];
        private float[] a = new float[BLOCK_M * BLOCK_K];
        private final float[] row = new float[L];

        float[] packed(int size) {
            if (packed.length < size) {
                packed = new float[size];
            }
            return packed;
        }

        float[] row() {
            return row;
        }

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] c(int size) {
            if (c.length < size) {
                c = new float[size];
            }
            return c;
        }
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int rowBlock() {
        return MR;
    }

    @Override
    public void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        forward(x, w, out, k, n, from, to, false);
    }

    /** Fused: the sigmoid runs on the padded output block before it is copied out (no tail). */
    @Override
    public void matmulBiasSigmoid(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        forward(x, w, out, k, n, from, to, true);
    }

    private void forward(float[] x, float[] w, float[] out, int k, int n, int from, int to, boolean sigmoid) {
        int rows = to - from;
        if (rows == 0 || n == 0) {
            return;
        }
        // A = x[from:to], rows x k; B = w[1:], k x n; every row starts as the bias row w[0]
        if (direct(n)) {
            gemmDirect(x, from * k, k, 1, w, n, k, w, out, from * n, n, rows, sigmoid, null);
        } else if (n <= L) {
            Scratch s = scratch.get();
            float[] packed = s.packed((k + 1) * L);
            packNarrow(w, 0, n, 1, k + 1, n, packed);             // the bias row, then B = w[1:]
            gemmNarrow(x, from * k, k, 1, packed, L, k, true, out, from * n, n, rows, sigmoid, s.row());
        } else {
            int panels = panels(n);
            Scratch s = scratch.get();
            float[] packed = s.packed(k * panels * NR);
            pack(w, n, n, 1, k, n, packed);
            gemm(x, from * k, k, 1, packed, k, panels, w, s.c(BLOCK_M * panels * NR), out, from * n, n, rows, sigmoid);
        }
    }

    @Override
    public void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to) {
        Checks.matmulGradW(a, g, dw, m, k, n, from, to);
        if (from == 0 && to > 0) {
            columnSums(g, dw, m, n);
        }
        int r0 = Math.max(from, 1);
        int rows = to - r0;
        if (rows <= 0 || n == 0) {
            return;
        }
        // A(r, i) = a[i][r0 - 1 + r]: a^T, read in place through its strides; B = g, m x n
        if (direct(n)) {
            gemmDirect(a, r0 - 1, 1, k, g, 0, m, null, dw, r0 * n, n, rows, false, scratch.get().a(BLOCK_M * m));
        } else if (n <= L) {
            Scratch s = scratch.get();
            float[] packed = s.packed(m * L);
            packNarrow(g, 0, n, 1, m, n, packed);
            gemmNarrow(a, r0 - 1, 1, k, packed, 0, m, false, dw, r0 * n, n, rows, false, s.row());
        } else {
            int panels = panels(n);
            Scratch s = scratch.get();
            float[] packed = s.packed(m * panels * NR);
            pack(g, 0, n, 1, m, n, packed);
            gemm(a, r0 - 1, 1, k, packed, m, panels, null, s.c(BLOCK_M * panels * NR), dw, r0 * n, n, rows, false);
        }
    }

    /** dw[0][j] = sum_i g[i][j], vectors along j, i ascending. */
    private static void columnSums(float[] g, float[] dw, int m, int n) {
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            FloatVector sum = FloatVector.zero(S);
            for (int i = 0; i < m; i++) {
                sum = sum.add(FloatVector.fromArray(S, g, i * n + j));
            }
            sum.intoArray(dw, j);
        }
        for (; j < n; j++) {   // tail
            float sum = 0f;
            for (int i = 0; i < m; i++) {
                sum += g[i * n + j];
            }
            dw[j] = sum;
        }
    }

    @Override
    public void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n, int from, int to) {
        Checks.matmulGradX(g, w, gx, m, k, n, from, to);
        int rows = to - from;
        if (rows == 0 || k == 0) {
            return;
        }
        Scratch s = scratch.get();
        if (k <= L) {
            float[] packed = s.packed(n * L);
            packNarrow(w, n, 1, n, n, k, packed);                // B(j, p) = w[p+1][j], w[1:]^T, n x k
            gemmNarrow(g, from * n, n, 1, packed, 0, n, false, gx, from * k, k, rows, false, s.row());
            return;
        }
        int panels = panels(k);
        float[] packed = s.packed(n * panels * NR);
        pack(w, n, 1, n, n, k, packed);                          // B(j, p) = w[p+1][j], w[1:]^T, n x k
        gemm(g, from * n, n, 1, packed, n, panels, null, s.c(BLOCK_M * panels * NR), gx, from * k, k, rows, false);
    }

    /**
     * Whether B (n columns, rows contiguous) can be read in place: a row of whole vectors that
     * panels of 7 and 6 vectors cover exactly takes those ({@link #sixes}); another row at least a
     * panel (NR) wide is covered by whole panels, the last one shifted left to end at the row's end;
     * a narrower row wider than 6 vectors takes one panel whose 7th vector starts at the row's last L
     * columns and overlaps the 6th. Either way the overlapped columns are computed twice with the same
     * operations, so they get the same bits; no padding, no packing and no mask.
     */
    static boolean direct(int n) {
        return n >= NR || n > 6 * L || sixes(n) >= 0;
    }

    private static int panels(int columns) {
        return (columns + NR - 1) / NR;
    }

    /**
     * Packs B(q, j) = b[bOff + q * brs + j * bcs], q in [0, kTotal), j in [0, nTotal), into
     * panels: packed[(jp * kTotal + q) * NR + jj] = B(q, jp * NR + jj), zero past nTotal.
     */
    private static void pack(float[] b, int bOff, int brs, int bcs, int kTotal, int nTotal, float[] packed) {
        for (int jp = 0, panels = panels(nTotal); jp < panels; jp++) {
            int j0 = jp * NR;
            int width = Math.min(NR, nTotal - j0);
            for (int q = 0; q < kTotal; q++) {
                int dst = (jp * kTotal + q) * NR;
                int src = bOff + q * brs + j0 * bcs;
                if (bcs == 1) {
                    System.arraycopy(b, src, packed, dst, width);
                } else {
                    for (int jj = 0; jj < width; jj++) {
                        packed[dst + jj] = b[src + jj * bcs];
                    }
                }
                if (width < NR) {
                    Arrays.fill(packed, dst + width, dst + NR, 0f);
                }
            }
        }
    }

    /**
     * out[r][0..width) = init + sum_q A(r, q) B(q, 0..width) for r in [0, rows), optionally through
     * the sigmoid, with A(r, q) = a[aOff + r * ars + q * acs], B packed by {@link #pack} (kTotal rows,
     * {@code panels} panels), init the row {@code bias[0..width)} or zero when bias is null, and
     * out row r at out[outOff + r * width].
     *
     * <p>Rows go in blocks of {@link #BLOCK_M}: a block's padded accumulators {@code c}
     * (BLOCK_M x panels*NR) stay in L1 while the reduction runs through it in slices of
     * {@link #BLOCK_K}, each slice of a packed panel (BLOCK_K x NR) also L1-resident; then the
     * block is finished (sigmoid on whole vectors) and its valid columns copied out.
     */
    private static void gemm(float[] a, int aOff, int ars, int acs, float[] packed, int kTotal, int panels,
                             float[] bias, float[] c, float[] out, int outOff, int width, int rows, boolean sigmoid) {
        int npad = panels * NR;
        for (int r0 = 0; r0 < rows; r0 += BLOCK_M) {
            int mc = Math.min(BLOCK_M, rows - r0);
            for (int r = 0; r < mc; r++) {
                if (bias != null) {
                    System.arraycopy(bias, 0, c, r * npad, width);
                    Arrays.fill(c, r * npad + width, (r + 1) * npad, 0f);
                } else {
                    Arrays.fill(c, r * npad, (r + 1) * npad, 0f);
                }
            }
            int aBlock = aOff + r0 * ars;
            for (int kb = 0; kb < kTotal; kb += BLOCK_K) {
                int kc = Math.min(BLOCK_K, kTotal - kb);
                for (int jp = 0; jp < panels; jp++) {
                    int bBase = (jp * kTotal + kb) * NR;
                    int r = 0;
                    for (; r + MR <= mc; r += MR) {
                        int a0 = aBlock + r * ars + kb * acs;
                        int c0 = r * npad + jp * NR;
                        microKernel3x7(a, a0, a0 + ars, a0 + 2 * ars, acs, packed, bBase, NR, 6 * L, kc,
                                c, c0, c0 + npad, c0 + 2 * npad, c, c0, c0 + npad, c0 + 2 * npad);
                    }
                    for (; r < mc; r++) {   // tail rows, one at a time
                        int c0 = r * npad + jp * NR;
                        microKernel1x7(a, aBlock + r * ars + kb * acs, acs, packed, bBase, NR, 6 * L, kc, c, c0, c, c0);
                    }
                }
            }
            if (sigmoid) {
                for (int e = 0; e < mc * npad; e += L) {           // npad is a multiple of L: no tail
                    sigmoid(FloatVector.fromArray(S, c, e)).intoArray(c, e);
                }
            }
            for (int r = 0; r < mc; r++) {
                System.arraycopy(c, r * npad, out, outOff + (r0 + r) * width, width);
            }
        }
    }

    /**
     * The same product as {@link #gemm} with B read in place (row q at b[bOff + q * width], see
     * {@link #direct}) and the accumulators kept in the caller's output rows, width apart: nothing
     * is packed or copied. The first slice of the reduction starts its accumulators from the bias
     * row (or zero) rather than from a copy of it in the output rows, which saves a pass over them.
     * Rows still go in blocks of {@link #BLOCK_M} and the reduction in slices of {@link #BLOCK_K};
     * a slice of B (BLOCK_K rows) stays in L1 while the block's rows pass it.
     * With {@code ap}, each slice of A is first copied there by {@link #packA} (A's rows must then be
     * 1 apart, {@code ars == 1}, as in the weight gradient).
     */
    private static void gemmDirect(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int kTotal,
                                   float[] bias, float[] out, int outOff, int width, int rows, boolean sigmoid,
                                   float[] ap) {
        if (kTotal == 0) {   // no reduction: the rows are their initial value
            for (int r = 0; r < rows; r++) {
                if (bias != null) {
                    System.arraycopy(bias, 0, out, outOff + r * width, width);
                } else {
                    Arrays.fill(out, outOff + r * width, outOff + (r + 1) * width, 0f);
                }
            }
        }
        int sixes = sixes(width);
        int panels = sixes >= 0 ? (width / L - 6 * sixes) / 7 + sixes : panels(width);
        if (ap == null) {
            // A read in place (the forward pass): panels outermost, so that a panel of B (k x NR floats,
            // a slice of W1) is read from memory once and serves every row block
            for (int jp = 0; jp < panels && kTotal > 0; jp++) {
                for (int r0 = 0; r0 < rows; r0 += BLOCK_M) {
                    panelBlock(a, aOff + r0 * ars, ars, acs, b, bOff, kTotal, bias, out, outOff + r0 * width, width,
                            Math.min(BLOCK_M, rows - r0), jp, panels, sixes);
                }
            }
        } else {
            // A packed (the weight gradient, A = x^T): each row block's A copied once, for every panel
            for (int r0 = 0; r0 < rows && kTotal > 0; r0 += BLOCK_M) {
                int mc = Math.min(BLOCK_M, rows - r0);
                packA(a, aOff + r0 * ars, acs, mc, kTotal, ap);
                for (int jp = 0; jp < panels; jp++) {
                    panelBlock(ap, 0, 1, mc, b, bOff, kTotal, bias, out, outOff + r0 * width, width, mc, jp, panels, sixes);
                }
            }
        }
        if (sigmoid) {
            sigmoidRange(out, out, outOff, outOff + rows * width);
        }
    }

    /**
     * How many 6-vector panels end a row that panels of 7 and 6 vectors cover exactly (the fewest:
     * 400 floats = 25 vectors at 16 lanes = 7 + 6 + 6 + 6), or -1 when none do (a width that is not
     * a multiple of the lanes, or 1-5, 8-11, ... vectors).
     */
    static int sixes(int width) {
        if (width <= 0 || width % L != 0) {
            return -1;
        }
        int vectors = width / L;
        for (int six = 0; 6 * six <= vectors; six++) {
            if ((vectors - 6 * six) % 7 == 0) {
                return six;
            }
        }
        return -1;
    }

    /**
     * One panel of one row block of {@link #gemmDirect}: C(r, panel jp) = init + A(r, :) B(:, panel)
     * for r in [0, mc), the reduction in slices of {@link #BLOCK_K} with the block's accumulators in
     * L1 across them. A(r, q) = a[aStart + r * rs + q * cs]. With {@code sixes} >= 0 the row is
     * covered exactly: 7-vector panels, then {@code sixes} 6-vector ones. Otherwise every panel has 7
     * vectors and a row wider than a panel ends with a whole panel shifted left to end at the row's
     * end: the columns it shares with the panel before are computed again from the bias (or zero) by
     * the same chain of fma, so they get the same bits; no padding, no packing, no mask.
     */
    private static void panelBlock(float[] a, int aStart, int rs, int cs, float[] b, int bOff, int kTotal, float[] bias,
                                   float[] out, int cBlock, int width, int mc, int jp, int panels, int sixes) {
        int sevens = panels - Math.max(0, sixes);
        boolean six = sixes >= 0 && jp >= sevens;
        int j0 = sixes >= 0 ? (jp < sevens ? jp * NR : sevens * NR + (jp - sevens) * 6 * L)
                : Math.min(jp * NR, Math.max(0, width - NR));
        int o6 = Math.min(6 * L, width - j0 - L);   // the 7th vector: 6 L on, or the row's last L columns
        for (int kb = 0; kb < kTotal; kb += BLOCK_K) {
            int kc = Math.min(BLOCK_K, kTotal - kb);
            int aSlice = aStart + kb * cs;
            int bBase = bOff + kb * width + j0;
            // the first slice starts from the bias row (or zero), the others from the output rows
            float[] init = kb > 0 ? out : bias != null ? bias : ZEROS;
            int initStep = kb > 0 ? width : 0;
            int initOff = kb > 0 ? cBlock + j0 : bias != null ? j0 : 0;
            int r = 0;
            for (; r + MR <= mc; r += MR) {
                int a0 = aSlice + r * rs;
                int c0 = cBlock + r * width + j0;
                int i0 = initOff + r * initStep;
                if (six) {
                    microKernel3x6(a, a0, a0 + rs, a0 + 2 * rs, cs, b, bBase, width, kc,
                            init, i0, i0 + initStep, i0 + 2 * initStep, out, c0, c0 + width, c0 + 2 * width);
                } else {
                    microKernel3x7(a, a0, a0 + rs, a0 + 2 * rs, cs, b, bBase, width, o6, kc,
                            init, i0, i0 + initStep, i0 + 2 * initStep, out, c0, c0 + width, c0 + 2 * width);
                }
            }
            for (; r < mc; r++) {   // tail rows, one at a time
                int c0 = cBlock + r * width + j0;
                if (six) {
                    microKernel1x6(a, aSlice + r * rs, cs, b, bBase, width, kc, init, initOff + r * initStep, out, c0);
                } else {
                    microKernel1x7(a, aSlice + r * rs, cs, b, bBase, width, o6, kc, init, initOff + r * initStep, out, c0);
                }
            }
        }
    }

    /**
     * Copies the block A(r, q) = a[aOff + r + q * acs], r < mc, q < kc (rows of A contiguous in
     * a) into ap with q's stride mc: ap[q * mc + r]. In the weight gradient A's column q is a row
     * of x, 12 KiB from the next: read in place, every q of a micro-kernel maps to the same L1 set.
     */
    private static void packA(float[] a, int aOff, int acs, int mc, int kc, float[] ap) {
        for (int q = 0; q < kc; q++) {
            System.arraycopy(a, aOff + q * acs, ap, q * mc, mc);
        }
    }

    /**
     * Packs B(q, j) = b[bOff + q * brs + j * bcs], q < kTotal, j < nTotal <= L, one vector per q:
     * packed[q * L + j], zero past nTotal.
     */
    private static void packNarrow(float[] b, int bOff, int brs, int bcs, int kTotal, int nTotal, float[] packed) {
        for (int q = 0; q < kTotal; q++) {
            int dst = q * L;
            for (int j = 0; j < nTotal; j++) {
                packed[dst + j] = b[bOff + q * brs + j * bcs];
            }
            Arrays.fill(packed, dst + nTotal, dst + L, 0f);
        }
    }

    /**
     * The product for outputs at most one vector wide (the 10 classes): out[r][0..width) =
     * init + sum_q A(r, q) B(q, 0..width), B packed by {@link #packNarrow} from packed[bStart], init
     * the packed row before it when {@code bias} and zero otherwise. Eight rows at a time, one
     * accumulator each (eight independent fma chains hide the fma latency), each packed row of B
     * loaded once for the eight; the rows' vectors go through {@code row} to keep the padding out of
     * the next output row. A 7-vector panel here would be 11 times wider than the output.
     */
    private static void gemmNarrow(float[] a, int aOff, int ars, int acs, float[] packed, int bStart, int kTotal,
                                   boolean bias, float[] out, int outOff, int width, int rows, boolean sigmoid,
                                   float[] row) {
        FloatVector init = bias ? FloatVector.fromArray(S, packed, 0) : FloatVector.zero(S);
        int r = 0;
        for (; r + 8 <= rows; r += 8) {
            FloatVector c0 = init, c1 = init, c2 = init, c3 = init, c4 = init, c5 = init, c6 = init, c7 = init;
            int a0 = aOff + r * ars;
            for (int q = 0; q < kTotal; q++) {
                FloatVector b = FloatVector.fromArray(S, packed, bStart + q * L);
                int aq = a0 + q * acs;
                c0 = b.fma(FloatVector.broadcast(S, a[aq]), c0);
                c1 = b.fma(FloatVector.broadcast(S, a[aq + ars]), c1);
                c2 = b.fma(FloatVector.broadcast(S, a[aq + 2 * ars]), c2);
                c3 = b.fma(FloatVector.broadcast(S, a[aq + 3 * ars]), c3);
                c4 = b.fma(FloatVector.broadcast(S, a[aq + 4 * ars]), c4);
                c5 = b.fma(FloatVector.broadcast(S, a[aq + 5 * ars]), c5);
                c6 = b.fma(FloatVector.broadcast(S, a[aq + 6 * ars]), c6);
                c7 = b.fma(FloatVector.broadcast(S, a[aq + 7 * ars]), c7);
            }
            int o = outOff + r * width;
            narrowRow(c0, out, o, sigmoid, row, width);
            narrowRow(c1, out, o + width, sigmoid, row, width);
            narrowRow(c2, out, o + 2 * width, sigmoid, row, width);
            narrowRow(c3, out, o + 3 * width, sigmoid, row, width);
            narrowRow(c4, out, o + 4 * width, sigmoid, row, width);
            narrowRow(c5, out, o + 5 * width, sigmoid, row, width);
            narrowRow(c6, out, o + 6 * width, sigmoid, row, width);
            narrowRow(c7, out, o + 7 * width, sigmoid, row, width);
        }
        for (; r < rows; r++) {   // tail rows: the same chain, one row at a time
            FloatVector c0 = init;
            int a0 = aOff + r * ars;
            for (int q = 0; q < kTotal; q++) {
                c0 = FloatVector.fromArray(S, packed, bStart + q * L).fma(FloatVector.broadcast(S, a[a0 + q * acs]), c0);
            }
            narrowRow(c0, out, outOff + r * width, sigmoid, row, width);
        }
    }

    private static void narrowRow(FloatVector c, float[] out, int off, boolean sigmoid, float[] row, int width) {
        (sigmoid ? sigmoid(c) : c).intoArray(row, 0);
        System.arraycopy(row, 0, out, off, width);
    }

    /**
     * c[3 rows][NR] = init[3 rows][NR] + A(3 rows, kc) . B(kc, NR), the init rows at i0, i1, i2
     * of {@code init} (which may be c itself, at c0, c1, c2): 3 x 7 vector accumulators stay in
     * registers for the whole reduction; each A element is broadcast once and meets 7 vectors of
     * the packed B panel. Per element this is the same chain of fma as every other micro-kernel,
     * so a row gets the same bits whichever kernel computes it.
     */
    private static void microKernel3x7(float[] a, int a0, int a1, int a2, int acs, float[] b, int bBase, int brs,
                                       int o6, int kc, float[] init, int i0, int i1, int i2,
                                       float[] c, int c0, int c1, int c2) {
        FloatVector c00 = FloatVector.fromArray(S, init, i0);
        FloatVector c01 = FloatVector.fromArray(S, init, i0 + 1 * L);
        FloatVector c02 = FloatVector.fromArray(S, init, i0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, init, i0 + 3 * L);
        FloatVector c04 = FloatVector.fromArray(S, init, i0 + 4 * L);
        FloatVector c05 = FloatVector.fromArray(S, init, i0 + 5 * L);
        FloatVector c06 = FloatVector.fromArray(S, init, i0 + o6);
        FloatVector c10 = FloatVector.fromArray(S, init, i1);
        FloatVector c11 = FloatVector.fromArray(S, init, i1 + 1 * L);
        FloatVector c12 = FloatVector.fromArray(S, init, i1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, init, i1 + 3 * L);
        FloatVector c14 = FloatVector.fromArray(S, init, i1 + 4 * L);
        FloatVector c15 = FloatVector.fromArray(S, init, i1 + 5 * L);
        FloatVector c16 = FloatVector.fromArray(S, init, i1 + o6);
        FloatVector c20 = FloatVector.fromArray(S, init, i2);
        FloatVector c21 = FloatVector.fromArray(S, init, i2 + 1 * L);
        FloatVector c22 = FloatVector.fromArray(S, init, i2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, init, i2 + 3 * L);
        FloatVector c24 = FloatVector.fromArray(S, init, i2 + 4 * L);
        FloatVector c25 = FloatVector.fromArray(S, init, i2 + 5 * L);
        FloatVector c26 = FloatVector.fromArray(S, init, i2 + o6);
        for (int q = 0; q < kc; q++) {
            int bq = bBase + q * brs;
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + 1 * L);
            FloatVector b2 = FloatVector.fromArray(S, b, bq + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bq + 3 * L);
            FloatVector b4 = FloatVector.fromArray(S, b, bq + 4 * L);
            FloatVector b5 = FloatVector.fromArray(S, b, bq + 5 * L);
            FloatVector b6 = FloatVector.fromArray(S, b, bq + o6);
            FloatVector a0q = FloatVector.broadcast(S, a[a0 + q * acs]);
            c00 = b0.fma(a0q, c00); c01 = b1.fma(a0q, c01); c02 = b2.fma(a0q, c02); c03 = b3.fma(a0q, c03);
            c04 = b4.fma(a0q, c04); c05 = b5.fma(a0q, c05); c06 = b6.fma(a0q, c06);
            FloatVector a1q = FloatVector.broadcast(S, a[a1 + q * acs]);
            c10 = b0.fma(a1q, c10); c11 = b1.fma(a1q, c11); c12 = b2.fma(a1q, c12); c13 = b3.fma(a1q, c13);
            c14 = b4.fma(a1q, c14); c15 = b5.fma(a1q, c15); c16 = b6.fma(a1q, c16);
            FloatVector a2q = FloatVector.broadcast(S, a[a2 + q * acs]);
            c20 = b0.fma(a2q, c20); c21 = b1.fma(a2q, c21); c22 = b2.fma(a2q, c22); c23 = b3.fma(a2q, c23);
            c24 = b4.fma(a2q, c24); c25 = b5.fma(a2q, c25); c26 = b6.fma(a2q, c26);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + 1 * L);
        c02.intoArray(c, c0 + 2 * L);
        c03.intoArray(c, c0 + 3 * L);
        c04.intoArray(c, c0 + 4 * L);
        c05.intoArray(c, c0 + 5 * L);
        c06.intoArray(c, c0 + o6);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + 1 * L);
        c12.intoArray(c, c1 + 2 * L);
        c13.intoArray(c, c1 + 3 * L);
        c14.intoArray(c, c1 + 4 * L);
        c15.intoArray(c, c1 + 5 * L);
        c16.intoArray(c, c1 + o6);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + 1 * L);
        c22.intoArray(c, c2 + 2 * L);
        c23.intoArray(c, c2 + 3 * L);
        c24.intoArray(c, c2 + 4 * L);
        c25.intoArray(c, c2 + 5 * L);
        c26.intoArray(c, c2 + o6);
    }

    /**
     * c[1 row][NR] = init[1 row][NR] + A(1 row, kc) . B(kc, NR), the init row at i0 of
     * {@code init} (which may be c itself, at c0): 1 x 7 vector accumulators stay in
     * registers for the whole reduction; each A element is broadcast once and meets 7 vectors of
     * the packed B panel. Per element this is the same chain of fma as every other micro-kernel,
     * so a row gets the same bits whichever kernel computes it.
     */
    private static void microKernel1x7(float[] a, int a0, int acs, float[] b, int bBase, int brs, int o6, int kc,
                                       float[] init, int i0, float[] c, int c0) {
        FloatVector c00 = FloatVector.fromArray(S, init, i0);
        FloatVector c01 = FloatVector.fromArray(S, init, i0 + 1 * L);
        FloatVector c02 = FloatVector.fromArray(S, init, i0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, init, i0 + 3 * L);
        FloatVector c04 = FloatVector.fromArray(S, init, i0 + 4 * L);
        FloatVector c05 = FloatVector.fromArray(S, init, i0 + 5 * L);
        FloatVector c06 = FloatVector.fromArray(S, init, i0 + o6);
        for (int q = 0; q < kc; q++) {
            int bq = bBase + q * brs;
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + 1 * L);
            FloatVector b2 = FloatVector.fromArray(S, b, bq + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bq + 3 * L);
            FloatVector b4 = FloatVector.fromArray(S, b, bq + 4 * L);
            FloatVector b5 = FloatVector.fromArray(S, b, bq + 5 * L);
            FloatVector b6 = FloatVector.fromArray(S, b, bq + o6);
            FloatVector a0q = FloatVector.broadcast(S, a[a0 + q * acs]);
            c00 = b0.fma(a0q, c00); c01 = b1.fma(a0q, c01); c02 = b2.fma(a0q, c02); c03 = b3.fma(a0q, c03);
            c04 = b4.fma(a0q, c04); c05 = b5.fma(a0q, c05); c06 = b6.fma(a0q, c06);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + 1 * L);
        c02.intoArray(c, c0 + 2 * L);
        c03.intoArray(c, c0 + 3 * L);
        c04.intoArray(c, c0 + 4 * L);
        c05.intoArray(c, c0 + 5 * L);
        c06.intoArray(c, c0 + o6);
    }

    /**
     * The 6-vector twin of {@link #microKernel3x7}, for rows whose vectors split exactly into panels
     * of 7 and 6 (400 = 7 + 6 + 6 + 6 vectors at 16 lanes): the same chain of fma per element.
     * c[3 rows][6 L] = init[3 rows][6 L] + A(3 rows, kc) . B(kc, 6 L), the init rows at i0, i1, i2
     * of {@code init} (which may be c itself, at c0, c1, c2): 3 x 6 vector accumulators stay in
     * registers for the whole reduction; each A element is broadcast once and meets the 6 vectors
     * of B's row, read in place. Per element this is the same chain of fma as every other
     * micro-kernel, so a row gets the same bits whichever kernel computes it.
     */
    private static void microKernel3x6(float[] a, int a0, int a1, int a2, int acs, float[] b, int bBase, int brs,
                                       int kc, float[] init, int i0, int i1, int i2,
                                       float[] c, int c0, int c1, int c2) {
        FloatVector c00 = FloatVector.fromArray(S, init, i0);
        FloatVector c01 = FloatVector.fromArray(S, init, i0 + 1 * L);
        FloatVector c02 = FloatVector.fromArray(S, init, i0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, init, i0 + 3 * L);
        FloatVector c04 = FloatVector.fromArray(S, init, i0 + 4 * L);
        FloatVector c05 = FloatVector.fromArray(S, init, i0 + 5 * L);
        FloatVector c10 = FloatVector.fromArray(S, init, i1);
        FloatVector c11 = FloatVector.fromArray(S, init, i1 + 1 * L);
        FloatVector c12 = FloatVector.fromArray(S, init, i1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, init, i1 + 3 * L);
        FloatVector c14 = FloatVector.fromArray(S, init, i1 + 4 * L);
        FloatVector c15 = FloatVector.fromArray(S, init, i1 + 5 * L);
        FloatVector c20 = FloatVector.fromArray(S, init, i2);
        FloatVector c21 = FloatVector.fromArray(S, init, i2 + 1 * L);
        FloatVector c22 = FloatVector.fromArray(S, init, i2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, init, i2 + 3 * L);
        FloatVector c24 = FloatVector.fromArray(S, init, i2 + 4 * L);
        FloatVector c25 = FloatVector.fromArray(S, init, i2 + 5 * L);
        for (int q = 0; q < kc; q++) {
            int bq = bBase + q * brs;
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + 1 * L);
            FloatVector b2 = FloatVector.fromArray(S, b, bq + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bq + 3 * L);
            FloatVector b4 = FloatVector.fromArray(S, b, bq + 4 * L);
            FloatVector b5 = FloatVector.fromArray(S, b, bq + 5 * L);
            FloatVector a0q = FloatVector.broadcast(S, a[a0 + q * acs]);
            c00 = b0.fma(a0q, c00); c01 = b1.fma(a0q, c01); c02 = b2.fma(a0q, c02); c03 = b3.fma(a0q, c03);
            c04 = b4.fma(a0q, c04); c05 = b5.fma(a0q, c05);
            FloatVector a1q = FloatVector.broadcast(S, a[a1 + q * acs]);
            c10 = b0.fma(a1q, c10); c11 = b1.fma(a1q, c11); c12 = b2.fma(a1q, c12); c13 = b3.fma(a1q, c13);
            c14 = b4.fma(a1q, c14); c15 = b5.fma(a1q, c15);
            FloatVector a2q = FloatVector.broadcast(S, a[a2 + q * acs]);
            c20 = b0.fma(a2q, c20); c21 = b1.fma(a2q, c21); c22 = b2.fma(a2q, c22); c23 = b3.fma(a2q, c23);
            c24 = b4.fma(a2q, c24); c25 = b5.fma(a2q, c25);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + 1 * L);
        c02.intoArray(c, c0 + 2 * L);
        c03.intoArray(c, c0 + 3 * L);
        c04.intoArray(c, c0 + 4 * L);
        c05.intoArray(c, c0 + 5 * L);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + 1 * L);
        c12.intoArray(c, c1 + 2 * L);
        c13.intoArray(c, c1 + 3 * L);
        c14.intoArray(c, c1 + 4 * L);
        c15.intoArray(c, c1 + 5 * L);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + 1 * L);
        c22.intoArray(c, c2 + 2 * L);
        c23.intoArray(c, c2 + 3 * L);
        c24.intoArray(c, c2 + 4 * L);
        c25.intoArray(c, c2 + 5 * L);
    }

    /**
     * The 6-vector twin of {@link #microKernel1x7}.
     * c[1 row][6 L] = init[1 row][6 L] + A(1 row, kc) . B(kc, 6 L), the init row at i0 of
     * {@code init} (which may be c itself, at c0): 6 vector accumulators stay in registers for the
     * whole reduction, with the same chain of fma per element as every other micro-kernel.
     */
    private static void microKernel1x6(float[] a, int a0, int acs, float[] b, int bBase, int brs, int kc,
                                       float[] init, int i0, float[] c, int c0) {
        FloatVector c00 = FloatVector.fromArray(S, init, i0);
        FloatVector c01 = FloatVector.fromArray(S, init, i0 + 1 * L);
        FloatVector c02 = FloatVector.fromArray(S, init, i0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, init, i0 + 3 * L);
        FloatVector c04 = FloatVector.fromArray(S, init, i0 + 4 * L);
        FloatVector c05 = FloatVector.fromArray(S, init, i0 + 5 * L);
        for (int q = 0; q < kc; q++) {
            int bq = bBase + q * brs;
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + 1 * L);
            FloatVector b2 = FloatVector.fromArray(S, b, bq + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bq + 3 * L);
            FloatVector b4 = FloatVector.fromArray(S, b, bq + 4 * L);
            FloatVector b5 = FloatVector.fromArray(S, b, bq + 5 * L);
            FloatVector a0q = FloatVector.broadcast(S, a[a0 + q * acs]);
            c00 = b0.fma(a0q, c00); c01 = b1.fma(a0q, c01); c02 = b2.fma(a0q, c02); c03 = b3.fma(a0q, c03);
            c04 = b4.fma(a0q, c04); c05 = b5.fma(a0q, c05);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + 1 * L);
        c02.intoArray(c, c0 + 2 * L);
        c03.intoArray(c, c0 + 3 * L);
        c04.intoArray(c, c0 + 4 * L);
        c05.intoArray(c, c0 + 5 * L);
    }

    // exp(z) as in Cephes expf: z = n ln2 + r with |r| <= ln2 / 2, a degree-7 polynomial for exp(r),
    // then 2^n built in the exponent bits. Only +, *, fma and bit moves, which give the same bits
    // compiled or interpreted and in vector lanes or scalar code (the Vector API's own EXP may not:
    // its intrinsic and its Java fallback differ in the last bit, which would make results depend
    // on the JIT and so on timing). The scalar twin below performs the same operations in the same order.
    private static final float EXP_HI = 88.3f;            // exp(88.3) < Float.MAX_VALUE; above: +Inf
    private static final float EXP_LO = -87.3f;           // exp(-87.3) is still a normal float
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;     // ln 2 = LN2_HI + LN2_LO, LN2_HI exact in 9 bits
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUNDER = 12582912f;       // 1.5 * 2^23: adding it rounds to an integer
    private static final int ROUNDER_BITS = 0x4B400000;   // its bit pattern
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    private static final FloatVector INF = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector V_P2 = FloatVector.broadcast(S, P2);
    private static final FloatVector V_P3 = FloatVector.broadcast(S, P3);
    private static final FloatVector V_P4 = FloatVector.broadcast(S, P4);
    private static final FloatVector V_P5 = FloatVector.broadcast(S, P5);

    /** 1 / (1 + exp(-x)) in lanes; exp(-x) is +Inf for -x > EXP_HI, so the result is 0, never NaN. */
    private static FloatVector sigmoid(FloatVector x) {
        FloatVector z = x.neg();
        FloatVector zc = z.min(EXP_HI).max(EXP_LO);                 // NaN stays NaN
        FloatVector t = zc.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);                             // round(z log2 e)
        FloatVector r = n.fma(V_NEG_LN2_HI, zc);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, V_P2);
        p = p.fma(r, V_P3);
        p = p.fma(r, V_P4);
        p = p.fma(r, V_P5);
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        FloatVector pow2n = t.viewAsIntegralLanes().sub(ROUNDER_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
        FloatVector e = y.mul(pow2n).blend(INF, z.compare(VectorOperators.GT, EXP_HI));
        return ONE.div(ONE.add(e));
    }

    /** The scalar twin of {@link #sigmoid(FloatVector)}: the same operations, so the same bits. */
    private static float sigmoid(float x) {
        float z = -x;
        float zc = Math.max(Math.min(z, EXP_HI), EXP_LO);
        float t = Math.fma(zc, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_HI, zc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        float pow2n = Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUNDER_BITS - 127)) << 23);
        float e = z > EXP_HI ? Float.POSITIVE_INFINITY : y * pow2n;
        return 1f / (1f + e);
    }

    @Override
    public void sigmoid(float[] x, float[] out, int from, int to) {
        Checks.elementwise("sigmoid", "x", x, "out", out, from, to, true);
        sigmoidRange(x, out, from, to);
    }

    /** out[e] = sigmoid(x[e]) for e in [from, to): vectors, then the scalar twin (same bits) for the tail. */
    private static void sigmoidRange(float[] x, float[] out, int from, int to) {
        int e = from;
        for (int bound = from + S.loopBound(to - from); e < bound; e += L) {
            sigmoid(FloatVector.fromArray(S, x, e)).intoArray(out, e);
        }
        for (; e < to; e++) {   // tail: the scalar twin gives the same bits as a lane
            out[e] = sigmoid(x[e]);
        }
    }

    @Override
    public void sigmoidBackward(float[] s, float[] g, int from, int to) {
        Checks.elementwise("sigmoidBackward", "s", s, "g", g, from, to, false);
        int e = from;
        for (int bound = from + S.loopBound(to - from); e < bound; e += L) {
            FloatVector sv = FloatVector.fromArray(S, s, e);
            FloatVector v = FloatVector.fromArray(S, g, e).mul(sv.mul(ONE.sub(sv)));
            v.blend(ZERO, v.abs().compare(VectorOperators.LT, Float.MIN_NORMAL)).intoArray(g, e);   // subnormal -> 0
        }
        for (; e < to; e++) {   // tail
            g[e] = ScalarMath.flushSubnormal(g[e] * (s[e] * (1f - s[e])));
        }
    }

    @Override
    public float squaredErrorLoss(float[] s, int[] labels, int m, int n) {
        Checks.loss("squaredErrorLoss", s, labels, m, n);
        if (m == 0) {
            return 0f;
        }
        // sum (s - y)^2 = sum s^2 - 2 sum_i s[i][label_i] + m: squares along the flat array in vectors,
        // the one-hot correction once per row. Lanes sum blocks of LOSS_BLOCK vectors in float and
        // the blocks add up in double, so a long batch loses no more than a short one.
        int total = m * n;
        double sum = 0;
        int e = 0;
        int bound = S.loopBound(total);
        while (e < bound) {
            FloatVector squares = FloatVector.zero(S);
            for (int blockEnd = Math.min(bound, e + LOSS_BLOCK * L); e < blockEnd; e += L) {
                FloatVector v = FloatVector.fromArray(S, s, e);
                squares = v.fma(v, squares);
            }
            sum += squares.reduceLanes(VectorOperators.ADD);
        }
        for (; e < total; e++) {   // tail
            sum += s[e] * s[e];
        }
        double labelled = 0;
        for (int i = 0; i < m; i++) {
            labelled += s[i * n + labels[i]];
        }
        return (float) ((sum - 2 * labelled + m) / m);
    }

    @Override
    public void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n, int from, int to) {
        Checks.lossGrad(s, labels, g, m, n, from, to);
        float scale = 2f / m;
        int end = to * n;
        int e = from * n;
        for (int bound = e + S.loopBound(end - e); e < bound; e += L) {
            FloatVector.fromArray(S, s, e).mul(scale).intoArray(g, e);
        }
        for (; e < end; e++) {   // tail: the same multiply as a lane
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
        float negLr = -lr;
        FloatVector regV = FloatVector.broadcast(S, reg);
        FloatVector negLrV = FloatVector.broadcast(S, negLr);
        FloatVector probe = FloatVector.zero(S);   // w * 0: NaN in a lane once any weight there is not finite
        int e = from;
        for (int bound = from + S.loopBound(to - from); e < bound; e += L) {
            FloatVector wv = FloatVector.fromArray(S, w, e);
            FloatVector grad = wv.fma(regV, FloatVector.fromArray(S, dw, e));   // dw + reg w
            FloatVector updated = grad.fma(negLrV, wv);                          // w - lr (dw + reg w)
            updated.intoArray(w, e);
            probe = probe.add(updated.mul(0f));
        }
        float scalarProbe = probe.reduceLanes(VectorOperators.ADD);
        for (; e < to; e++) {   // tail: the same two fused steps as each lane above
            w[e] = Math.fma(Math.fma(w[e], reg, dw[e]), negLr, w[e]);
            scalarProbe += w[e] * 0f;
        }
        return scalarProbe;
    }

    @Override
    public void add(float[] a, float[] b, float[] out, int from, int to) {
        Checks.add(a, b, out, from, to);
        int e = from;
        for (int bound = from + S.loopBound(to - from); e < bound; e += L) {
            FloatVector.fromArray(S, a, e).add(FloatVector.fromArray(S, b, e)).intoArray(out, e);
        }
        for (; e < to; e++) {   // tail: the same single rounding as a lane
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
            int c = 0;
            // L bytes at a time, widened to L ints (masking off the sign) and converted to floats;
            // the byte load reads BYTES.length() >= L bytes, so it stops that many before the window's end.
            for (int bound = width - BYTES.length() + 1; c < bound; c += L) {
                FloatVector pixel = ((IntVector) ByteVector.fromArray(BYTES, pixels, src + c)
                        .convertShape(VectorOperators.B2I, INTS, 0)).and(0xFF)
                        .convert(VectorOperators.I2F, 0).reinterpretAsFloats();
                pixel.sub(FloatVector.fromArray(S, mean, c0 + c)).intoArray(x, dst + c);
            }
            for (; c < width; c++) {   // tail
                x[dst + c] = (pixels[src + c] & 0xFF) - mean[c0 + c];
            }
        }
    }
}
