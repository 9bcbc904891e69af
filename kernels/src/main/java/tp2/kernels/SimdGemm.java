package tp2.kernels;

import java.util.Arrays;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one matrix product of the simd backend, shaped as BLIS's: the loops around a register tile,
 * the packing of operands, and the edges, in one place; the tiles themselves are {@link MicroKernels}
 * and the machine picks one ({@link SimdShape}).
 * <pre>
 * out[r][0..width) = init + sum_{q &lt; kTotal} A(r, q) B(q, 0..width)      r &lt; rows, optionally sigmoid
 *   A(r, q) = a[aOff + r * ars + q * acs]
 *   B(q, j) = b[bOff + q * brs + j * bcs]
 *   init    = bias[0..width) or zero; out row r at out[outOff + r * width]
 * </pre>
 * Three paths:
 * <ul>
 * <li><b>In place</b> ({@link #direct}): B's rows contiguous ({@code bcs == 1}) and at least a tile
 *   wide but for one vector. B is read where it is and the accumulators live in the output rows;
 *   the row is covered by panels of the tile's V vectors, exactly by V- and (V-1)-vector panels
 *   where the width allows ({@link #covers}), else with a last panel shifted left, or a last
 *   vector shifted left, to end at the row's end. The shared columns are computed twice by the
 *   same chain of fma, so they get the same bits: no padding, no packing, no mask.
 * <li><b>Last columns transposed</b> ({@link #lastColumnsTransposed}): in the weight gradient, a
 *   row that ends a few floats past a whole vector (100 = 6 x 16 + 4) is computed in place up to
 *   its last vector, and its last columns as the transposed product, whose vectors run along the
 *   rows of output instead, then copied into place.
 * <li><b>Packed</b>: any other B (the transposed one of the backprop matmul, rows narrower than the
 *   tile) is copied into zero-padded panels and the rows computed into a padded block, whose valid
 *   columns are copied out.
 * </ul>
 * Rows go in blocks of {@link #BLOCK_M} and the reduction in slices of {@link #blockK} so that a
 * slice of a B panel stays in L1 while the block's rows pass it. A block's last rows, fewer than
 * the tile's, run the same tile on a scratch tile ({@link #edgeRows}): the one place that handles
 * a row edge. Scratch buffers are per thread and grow only; a call allocates nothing once warm.
 */
final class SimdGemm {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();   // floats per vector
    /** Output rows per block: a multiple of every tile's rows (3, 4, 8). */
    static final int BLOCK_M = 48; // rows
    /**
     * Floats of a B panel slice ({@link #blockK} rows x the panel's width) kept in L1 while a row block
     * passes it: 48 x 112 floats = 21 KiB, beside the accumulators' traffic in a 32-48 KiB L1.
     */
    static final int PANEL_SLICE = 48 * 112; // floats
    /** Bounds of the reduction slice: whole vectors of rows, at most 256 (a narrow panel's). */
    static final int MIN_BLOCK_K = 16, MAX_BLOCK_K = 256; // rows of B

    private final SimdShape shape;
    private final int mr;           // rows of the tile
    private final int nv;           // vectors of the main tile
    private final int nr;           // floats of a main panel row
    /** Reduction length per pass over a panel (see {@link #PANEL_SLICE}). */
    final int blockK;
    private final float[] zeros;    // a zero row, the weight gradient's initial value
    private final int tallest;      // rows of the tallest tile in use (the edge scratch's)
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    SimdGemm(SimdShape shape) {
        this.shape = shape;
        this.mr = shape.rows;
        this.nv = shape.vectors;
        this.nr = nv * L;
        this.blockK = Math.max(MIN_BLOCK_K, Math.min(MAX_BLOCK_K, PANEL_SLICE / nr / MIN_BLOCK_K * MIN_BLOCK_K));
        this.zeros = new float[nr];
        this.tallest = Math.max(mr, MicroKernels.rows(MicroKernels.K8X1));
    }

    /** Rows a tile computes together. */
    int rows() {
        return mr;
    }

    /** One thread's buffers. */
    private final class Scratch {
        float[] packedB = new float[0];
        float[] block = new float[0];        // the padded output rows of the packed path
        float[] packedA = new float[0];      // a row block of A (the weight gradient's columns of x)
        float[] transposed = new float[0];   // the last columns, transposed (see lastColumnsTransposed)
        final float[] edgeA = new float[tallest * MAX_BLOCK_K];
        final float[] edgeC = new float[tallest * nr];

        float[] packedB(int size) {
            return packedB.length >= size ? packedB : (packedB = new float[size]);
        }

        float[] block(int size) {
            return block.length >= size ? block : (block = new float[size]);
        }

        float[] packedA(int size) {
            return packedA.length >= size ? packedA : (packedA = new float[size]);
        }

        float[] transposed(int size) {
            return transposed.length >= size ? transposed : (transposed = new float[size]);
        }
    }

    /**
     * The product of the class comment. With {@code packA} (the weight gradient: A = x^T, whose
     * columns are rows of x; {@code ars} must then be 1), each row block of A may be copied into a
     * contiguous buffer first ({@link #copiesA}).
     */
    void multiply(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs, int kTotal,
                  float[] bias, float[] out, int outOff, int width, int rows, boolean sigmoid, boolean packA) {
        if (rows == 0 || width == 0) {
            return;
        }
        int rest = lastColumnsTransposed(ars, bcs, kTotal, bias, width, rows, sigmoid);
        if (rest > 0) {
            direct(a, aOff, ars, acs, b, bOff, brs, kTotal, null, out, outOff, width - rest, width, rows, packA);
            // out(:, width - rest ..)^T = B(:, width - rest ..)^T A^T: rest rows, A's rows as columns
            float[] t = scratch.get().transposed(rest * rows);
            direct(b, bOff + width - rest, 1, brs, a, aOff, acs, kTotal, null, t, 0, rows, rows, rest, false);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < rest; c++) {
                    out[outOff + r * width + width - rest + c] = t[c * rows + r];
                }
            }
        } else if (bcs == 1 && inPlace(width)) {
            direct(a, aOff, ars, acs, b, bOff, brs, kTotal, bias, out, outOff, width, width, rows, packA);
            if (sigmoid) {
                VectorMath.sigmoid(out, out, outOff, outOff + rows * width);
            }
        } else {
            packed(a, aOff, ars, acs, b, bOff, brs, bcs, kTotal, bias, out, outOff, width, rows, sigmoid);
        }
    }

    /**
     * How many last columns are computed transposed, or 0. A row of 100 floats at 16 lanes is 6
     * vectors and 4 floats: the in-place path computes the 4 as a whole vector, 12% of its
     * multiply-adds for nothing (at 8 lanes, 12 vectors and 4 floats: 13 vectors in five panels,
     * two of them narrow). When A's columns are contiguous
     * ({@code ars == 1}: the weight gradient's x^T, whose columns are rows of x) and B's rows too,
     * the last columns' transpose is the product B(:, last)^T A^T, whose vectors run along A's
     * columns: no lane is wasted. Each element gets the same chain of fma (from zero, q ascending),
     * so the same bits. Rows of output become the transposed product's columns, so there must be
     * enough of them to be read in place; no initial row (the weight gradient starts from zero).
     * Taken when the last columns are at most half a vector and the lanes the in-place path would
     * waste are at least 4% of the row. Measured in training passes (in-process A/B, Zen 5): width
     * 100 at 16 lanes 0.965x the time, at 8 lanes 0.95x; width 1,000 at 16 lanes (8 columns past
     * a vector, 0.8% wasted) 1.07x, so it is left in place.
     */
    /** The in-place path must waste at least 1 / this of a row's columns for the transposed last columns: 4%. */
    private static final int WASTE_SHARE = 25;

    int lastColumnsTransposed(int ars, int bcs, int kTotal, float[] bias, int width, int rows, boolean sigmoid) {
        int rest = width % L;
        if (ars != 1 || bcs != 1 || bias != null || sigmoid || kTotal == 0 || rest == 0
                || rest > L / 2 || (L - rest) * WASTE_SHARE < width || !inPlace(width - rest) || !inPlace(rows)) {
            return 0;
        }
        return rest;
    }

    /**
     * Whether rows {@code width} floats wide are read in place: wider than a vector and than the
     * cover tile's first V - 2 vectors (so that at most its last vector overlaps).
     */
    boolean inPlace(int width) {
        return width > L && width >= (nv - 2) * L;
    }

    /**
     * How many (V-1)-vector panels end a row that V- and (V-1)-vector panels cover with no vector
     * to spare (the fewest), or -1 when none do (at V = 7: 1-5, 8-11, 15-17, 22, 23 or 29 vectors).
     * A row that is not whole vectors counts its last part as a vector, which then ends at the
     * row's end and overlaps the one before: 400 floats at 16 lanes = 25 vectors = 7 + 6 + 6 + 6;
     * 100 floats at 8 lanes = 13 vectors = 3 + 3 + 3 + 2 + 2, the last one at columns 92-99.
     */
    int covers(int width) {
        int vectors = (width + L - 1) / L;
        for (int narrow = 0; (nv - 1) * narrow <= vectors; narrow++) {
            if ((vectors - (nv - 1) * narrow) % nv == 0) {
                return narrow;
            }
        }
        return -1;
    }

    /**
     * Whether the weight gradient copies each row block of A = x^T before its panels read it: when
     * x's rows ({@code acs} floats apart) are a multiple of 256 floats (1 KiB) apart, a column of x
     * falls into at most 4 of the L1's 64 sets and evicts itself; or when more than two panels read
     * the block, each through the same few sets (100 columns at 8 and 4 lanes are 4 panels; at 16
     * lanes one). Measured on Zen 5 (docs/performance.md): copying is 6% faster at k = 3,072 (24% with
     * AVX2); reading in place 2-7% faster at k = 300, 384 and 1,000 at 16 lanes, but 5.7% slower
     * at 4 lanes for a training slice (k 384, four panels).
     */
    static boolean copiesA(int acs, int panels) {
        return Integer.numberOfTrailingZeros(acs) >= 8 || panels > 2;
    }

    // ---- in place -------------------------------------------------------------------------------

    /** Columns [0, cols) of the output rows, which lie {@code width} floats apart (cols &lt;= width). */
    private void direct(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int kTotal,
                        float[] bias, float[] out, int outOff, int cols, int width, int rows, boolean packA) {
        if (kTotal == 0) {   // no reduction: the rows are their initial value
            for (int r = 0; r < rows; r++) {
                if (bias != null) {
                    System.arraycopy(bias, 0, out, outOff + r * width, cols);
                } else {
                    Arrays.fill(out, outOff + r * width, outOff + r * width + cols, 0f);
                }
            }
            return;
        }
        int narrow = covers(cols);
        int panels = narrow >= 0 ? ((cols + L - 1) / L - (nv - 1) * narrow) / nv + narrow : (cols + nr - 1) / nr;
        if (!packA || !copiesA(acs, panels)) {
            // A in place (the forward pass): panels outermost, so that a panel of B (a slice of W1)
            // is read from memory once and serves every row block
            for (int jp = 0; jp < panels; jp++) {
                for (int r0 = 0; r0 < rows; r0 += BLOCK_M) {
                    panelBlock(a, aOff + r0 * ars, ars, acs, b, bOff, brs, kTotal, bias, out, outOff + r0 * width, cols, width,
                            Math.min(BLOCK_M, rows - r0), jp, panels, narrow);
                }
            }
        } else {
            // A packed (the weight gradient, A = x^T): each row block of A copied once, for every panel
            float[] ap = scratch.get().packedA(BLOCK_M * kTotal);
            for (int r0 = 0; r0 < rows; r0 += BLOCK_M) {
                int mc = Math.min(BLOCK_M, rows - r0);
                for (int q = 0; q < kTotal; q++) {
                    System.arraycopy(a, aOff + r0 * ars + q * acs, ap, q * mc, mc);
                }
                for (int jp = 0; jp < panels; jp++) {
                    panelBlock(ap, 0, 1, mc, b, bOff, brs, kTotal, bias, out, outOff + r0 * width, cols, width, mc, jp, panels, narrow);
                }
            }
        }
    }

    /**
     * Panel {@code jp} of one row block: out(r, panel) = init + A(r, :) B(:, panel) for r &lt; mc,
     * the reduction in slices of {@link #blockK}. The panel plan: with {@code narrow} >= 0, V-vector
     * panels then {@code narrow} (V-1)-vector ones, the very last vector shifted left to end at the
     * row's end; otherwise V-vector panels, the last one shifted left to end at the row's end, or,
     * in a row narrower than a panel, one panel whose last vector is shifted left (the cover
     * tile's when the main tile's first V - 1 vectors do not fit).
     */
    private void panelBlock(float[] a, int aStart, int rs, int cs, float[] b, int bOff, int brs, int kTotal, float[] bias,
                            float[] out, int cBlock, int cols, int width, int mc, int jp, int panels, int narrow) {
        int kernel;
        int j0;
        int last;
        if (narrow >= 0) {
            int wide = panels - narrow;
            kernel = jp < wide ? shape.main : shape.cover;
            j0 = jp < wide ? jp * nr : wide * nr + (jp - wide) * (nr - L);
            int excess = jp == panels - 1 ? (L - cols % L) % L : 0;   // the last vector's columns past the row
            last = (MicroKernels.vectors(kernel) - 1) * L - excess;
        } else if (cols >= nr) {
            kernel = shape.main;
            j0 = Math.min(jp * nr, cols - nr);
            last = (nv - 1) * L;
        } else {
            kernel = cols >= (nv - 1) * L ? shape.main : shape.cover;
            j0 = 0;
            last = cols - L;
        }
        int span = last + L;   // the panel's columns: [j0, j0 + span)
        for (int kb = 0; kb < kTotal; kb += blockK) {
            int kc = Math.min(blockK, kTotal - kb);
            int aSlice = aStart + kb * cs;
            int bSlice = bOff + kb * brs + j0;
            // the first slice starts from the bias row (or zero), the others from the output rows
            float[] init = kb > 0 ? out : bias != null ? bias : zeros;
            int is = kb > 0 ? width : 0;
            int i0 = kb > 0 ? cBlock + j0 : bias != null ? j0 : 0;
            int r = 0;
            for (; r + mr <= mc; r += mr) {
                MicroKernels.run(kernel, a, aSlice + r * rs, rs, cs, b, bSlice, brs, last, kc,
                        init, i0 + r * is, is, out, cBlock + r * width + j0, width);
            }
            if (r < mc) {
                edgeRows(kernel, a, aSlice + r * rs, rs, cs, mc - r, b, bSlice, brs, last, kc,
                        init, i0 + r * is, is, out, cBlock + r * width + j0, width, span);
            }
        }
    }

    // ---- the row edge ---------------------------------------------------------------------------

    /**
     * The last {@code count} (&lt; the tile's) rows of a block: the same tile on a scratch tile. Their
     * A rows are copied into a zero-padded tile and their initial values into a scratch C, the tile
     * runs there, and the valid rows' {@code span} columns are copied out. Each valid element gets
     * the same chain of fma as in a full tile, so the same bits.
     */
    private void edgeRows(int kernel, float[] a, int aStart, int rs, int cs, int count, float[] b, int bSlice, int brs,
                          int last, int kc, float[] init, int i0, int is, float[] out, int c0, int cStride, int span) {
        Scratch s = scratch.get();
        int tile = MicroKernels.rows(kernel);
        float[] ea = s.edgeA;   // A(r, q) at ea[q * tile + r], rows past count zero
        float[] ec = s.edgeC;   // row r at ec[r * span]
        for (int q = 0; q < kc; q++) {
            for (int r = 0; r < tile; r++) {
                ea[q * tile + r] = r < count ? a[aStart + r * rs + q * cs] : 0f;
            }
        }
        for (int r = 0; r < count; r++) {
            System.arraycopy(init, i0 + r * is, ec, r * span, span);
        }
        Arrays.fill(ec, count * span, tile * span, 0f);
        MicroKernels.run(kernel, ea, 0, 1, tile, b, bSlice, brs, last, kc, ec, 0, span, ec, 0, span);
        for (int r = 0; r < count; r++) {
            System.arraycopy(ec, r * span, out, c0 + r * cStride, span);
        }
    }

    // ---- packed ---------------------------------------------------------------------------------

    /**
     * B packed into zero-padded panels (the main tile's width, or one vector for rows at most a
     * vector wide, with the 8-row tile), the rows computed into a padded block and their valid
     * columns copied out; the sigmoid, when asked, runs on the block's whole vectors first.
     */
    private void packed(float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs, int kTotal,
                        float[] bias, float[] out, int outOff, int width, int rows, boolean sigmoid) {
        int kernel = width <= L ? MicroKernels.K8X1 : shape.main;
        int tileRows = MicroKernels.rows(kernel);
        int panelWidth = MicroKernels.vectors(kernel) * L;
        int last = panelWidth - L;
        int panels = (width + panelWidth - 1) / panelWidth;
        int npad = panels * panelWidth;
        Scratch s = scratch.get();
        float[] packed = s.packedB(kTotal * npad);
        for (int jp = 0; jp < panels; jp++) {   // packed[(jp * kTotal + q) * panelWidth + jj] = B(q, jp * panelWidth + jj)
            int j0 = jp * panelWidth;
            int cols = Math.min(panelWidth, width - j0);
            for (int q = 0; q < kTotal; q++) {
                int dst = (jp * kTotal + q) * panelWidth;
                int src = bOff + q * brs + j0 * bcs;
                if (bcs == 1) {
                    System.arraycopy(b, src, packed, dst, cols);
                } else {
                    for (int jj = 0; jj < cols; jj++) {
                        packed[dst + jj] = b[src + jj * bcs];
                    }
                }
                Arrays.fill(packed, dst + cols, dst + panelWidth, 0f);
            }
        }
        float[] c = s.block(BLOCK_M * npad);
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
            for (int kb = 0; kb < kTotal; kb += blockK) {
                int kc = Math.min(blockK, kTotal - kb);
                for (int jp = 0; jp < panels; jp++) {
                    int bBase = (jp * kTotal + kb) * panelWidth;
                    int c0 = jp * panelWidth;
                    int r = 0;
                    for (; r + tileRows <= mc; r += tileRows) {
                        int cr = c0 + r * npad;
                        MicroKernels.run(kernel, a, aBlock + r * ars + kb * acs, ars, acs, packed, bBase, panelWidth, last, kc,
                                c, cr, npad, c, cr, npad);
                    }
                    if (r < mc) {
                        edgeRows(kernel, a, aBlock + r * ars + kb * acs, ars, acs, mc - r, packed, bBase, panelWidth, last, kc,
                                c, c0 + r * npad, npad, c, c0 + r * npad, npad, panelWidth);
                    }
                }
            }
            if (sigmoid) {
                VectorMath.sigmoid(c, c, 0, mc * npad);   // npad is whole vectors: no scalar tail
            }
            for (int r = 0; r < mc; r++) {
                System.arraycopy(c, r * npad, out, outOff + (r0 + r) * width, width);
            }
        }
    }
}
