package tp2.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API backend. Obtain it through {@link Backend#SIMD}, which checks
 * {@link Simd#unavailableReason()} before this class is loaded.
 *
 * <p>The three matrix kernels are one product, {@code out = init + A . B} ({@link SimdGemm}), with
 * different views of their operands: the forward pass reads x and w[1:] in place, starting from
 * the bias row; the weight gradient reads x^T through its strides (its row blocks copied) and g in
 * place, starting from zero; the backprop matmul reads g in place and w[1:]^T packed. The register
 * tile follows the machine's vector registers ({@link SimdShape}); the elementwise math is in
 * {@link VectorMath}. Scratch buffers are per thread; a call allocates nothing once warmed up.
 */
public final class SimdKernels implements Kernels {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();                      // floats per vector
    /** Vectors summed in float lanes before the loss adds them to a double. */
    private static final int LOSS_BLOCK = 64; // vectors
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector ZERO = FloatVector.zero(S);
    /** Ints of the same lane count as S, for widening bytes. */
    private static final VectorSpecies<Integer> INTS = S.withLanes(int.class);
    /** Bytes: at least 64 bits (the narrowest byte vector), of which the first L lanes are used. */
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));

    private final SimdShape shape;
    private final SimdGemm gemm;

    /** The backend with the tile this JVM's vector registers call for ({@link SimdShape#forThisJvm()}). */
    public SimdKernels() {
        this(SimdShape.forThisJvm());
    }

    SimdKernels(SimdShape shape) {
        this.shape = shape;
        this.gemm = new SimdGemm(shape);
    }

    /** The register tile in use, "rows x vectors": "3x7" or "4x3". */
    String tile() {
        return shape.tile();
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int rowBlock() {
        return gemm.rows();
    }

    @Override
    public void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        forward(x, w, out, k, n, from, to, false);
    }

    /** Fused: the sigmoid runs on the finished rows while they are in cache. */
    @Override
    public void matmulBiasSigmoid(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        forward(x, w, out, k, n, from, to, true);
    }

    /** A = x[from:to] (rows x k), B = w[1:] (k x n); every row starts as the bias row w[0]. */
    private void forward(float[] x, float[] w, float[] out, int k, int n, int from, int to, boolean sigmoid) {
        gemm.multiply(x, from * k, k, 1, w, n, n, 1, k, w, out, from * n, n, to - from, sigmoid, false);
    }

    @Override
    public void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to) {
        Checks.matmulGradW(a, g, dw, m, k, n, from, to);
        if (from == 0 && to > 0) {
            columnSums(g, dw, m, n);
        }
        int r0 = Math.max(from, 1);
        if (to <= r0) {
            return;
        }
        // A(r, i) = a[i][r0 - 1 + r]: a^T, read through its strides (row blocks copied first where
        // that pays: SimdGemm.copiesA); B = g, m x n; the rows start from zero
        gemm.multiply(a, r0 - 1, 1, k, g, 0, n, 1, m, null, dw, r0 * n, n, to - r0, false, true);
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
        // A = g[from:to] (rows x n); B(j, p) = w[p+1][j], w[1:]^T (n x k), packed; the rows start from zero
        gemm.multiply(g, from * n, n, 1, w, n, 1, n, n, null, gx, from * k, k, to - from, false, false);
    }

    @Override
    public void sigmoid(float[] x, float[] out, int from, int to) {
        Checks.elementwise("sigmoid", "x", x, "out", out, from, to, true);
        VectorMath.sigmoid(x, out, from, to);
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
