package tp2.kernels;

/**
 * Every numeric step of one TP2 training step, documented once, here.
 *
 * <p>All matrices are {@code float[]} in row-major order: element (r, c) of an r x c matrix with
 * {@code cols} columns is at index {@code r * cols + c}. Arrays may be longer than the shape needs
 * (a buffer sized for the largest batch serves a smaller last batch); elements past the shape are
 * neither read nor written. Shape letters are the same everywhere: {@code m} batch rows, {@code k}
 * inputs, {@code n} outputs; loop indices {@code i} over m, {@code p} over k, {@code j} over n.
 *
 * <p>Matrix kernels take a half-open range of output rows, {@code [from, to)}, so that a parallel
 * layer ({@link ParallelKernels}) can split one call into independent slices. Each output element is
 * computed the same way whatever the range, so results do not depend on how a call is split. The
 * overloads without a range compute every output row.
 *
 * <p>Every method checks its arguments first and throws {@link IllegalArgumentException}, naming
 * the dimensions, when a dimension is negative, an array is shorter than its shape, a range lies
 * outside the output, or an output array is the same array as an input (unless the method allows
 * it). Implementations are not thread-safe unless they say so; distinct instances share nothing.
 */
public interface Kernels {

    /** The backend's CLI name: {@code naive}, {@code blocked} or {@code simd}. */
    String name();

    /**
     * Output rows the matrix kernels compute together (the height of their register block): a row
     * range whose length is a multiple of this runs no partial block. {@link ParallelKernels} cuts
     * row calls at multiples of it. A hint for speed only; any range gives the same results.
     */
    default int rowBlock() {
        return 1;
    }

    /**
     * out = [1 | x] . w, an affine layer with the bias folded into w.
     * <pre>
     *   x    m x k       row-major, x[i*k + p]
     *   w    (k+1) x n   row-major; row 0 = bias, rows 1..k = weights
     *   out  m x n       row-major; rows [from, to) overwritten
     * out[i][j] = w[0][j] + sum_p x[i][p] * w[p+1][j]
     * </pre>
     * The column of ones is never materialised. {@code out} must not be {@code x} or {@code w}.
     */
    void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to);

    default void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n) {
        matmulBias(x, w, out, m, k, n, 0, m);
    }

    /**
     * out = sigmoid([1 | x] . w): {@link #matmulBias} followed by {@link #sigmoid} on the same
     * rows, with the same shapes, layout and rules. A backend may fuse the two; the result may then
     * differ from the two separate calls in the last bit, but never depends on the range.
     */
    default void matmulBiasSigmoid(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        matmulBias(x, w, out, m, k, n, from, to);
        sigmoid(out, out, from * n, to * n);
    }

    default void matmulBiasSigmoid(float[] x, float[] w, float[] out, int m, int k, int n) {
        matmulBiasSigmoid(x, w, out, m, k, n, 0, m);
    }

    /**
     * dw = [1 | a]^T . g, the gradient of a bias-augmented layer's weights.
     * <pre>
     *   a    m x k       row-major; the layer's input (activations)
     *   g    m x n       row-major; gradient of the loss with respect to the layer's output
     *   dw   (k+1) x n   row-major; rows [from, to) overwritten, 0 &lt;= from &lt;= to &lt;= k+1
     * dw[0][j]   = sum_i g[i][j]                (the bias row: column sums of g)
     * dw[p+1][j] = sum_i a[i][p] * g[i][j]
     * </pre>
     * Sums run over i in increasing order where the backend keeps one order. {@code dw} must not be
     * {@code a} or {@code g}. With m = 0 the rows are zero.
     */
    void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to);

    default void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n) {
        matmulGradW(a, g, dw, m, k, n, 0, k + 1);
    }

    /**
     * gx = g . w[1:]^T, the gradient with respect to a layer's input (the bias row does not
     * take part: the column of ones has no gradient).
     * <pre>
     *   g    m x n       row-major
     *   w    (k+1) x n   row-major; row 0 (bias) is not read
     *   gx   m x k       row-major; rows [from, to) overwritten
     * gx[i][p] = sum_j g[i][j] * w[p+1][j]
     * </pre>
     * {@code gx} must not be {@code g} or {@code w}.
     */
    void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n, int from, int to);

    default void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n) {
        matmulGradX(g, w, gx, m, k, n, 0, m);
    }

    /**
     * out[e] = 1 / (1 + exp(-x[e])) for e in [from, to).
     * Numerically stable: no NaN and no overflow for any finite input; sigmoid(+Inf) = 1,
     * sigmoid(-Inf) = 0, sigmoid(NaN) = NaN. In place is allowed ({@code out == x}).
     */
    void sigmoid(float[] x, float[] out, int from, int to);

    /**
     * g[e] *= s[e] * (1 - s[e]) for e in [from, to): the backward pass of a sigmoid, from its
     * stored output s (not from its input: the textbook exp(-x)/(1+exp(-x))^2 is NaN in float for
     * x &lt;= -88.8). {@code g} is read and overwritten; it must not be {@code s}.
     *
     * <p>A result smaller in magnitude than {@link Float#MIN_NORMAL} (a subnormal) becomes 0, as a
     * CPU's flush-to-zero mode would make it: saturated units (s near 0) give such gradients once
     * the learning rate is large (1e-2 and up), and x86 takes a microcode assist for every
     * multiply-add that reads one (the weight gradient of TP2's first layer became 24 times slower).
     * Java cannot set the CPU's flush-to-zero mode, so this is where it is done. What it drops from
     * a weight-gradient element is below m * max|a| * 1.2e-38 (4e-34 for a batch of 128 centred
     * pixels), times the learning rate in the update; NaN and infinities pass unchanged.
     */
    void sigmoidBackward(float[] s, float[] g, int from, int to);

    /**
     * The batch loss, mean over rows of the sum over classes of (s - y)^2, with y the one-hot
     * encoding of {@code labels}.
     * <pre>
     *   s       m x n   row-major scores
     *   labels  m       class of each row, 0 &lt;= labels[i] &lt; n
     * loss = (1/m) sum_i sum_j (s[i][j] - [j == labels[i]])^2      (0 when m = 0)
     * </pre>
     * A label outside [0, n) throws {@link IllegalArgumentException}.
     */
    float squaredErrorLoss(float[] s, int[] labels, int m, int n);

    /**
     * g = 2 (s - y) / m, the exact gradient of {@link #squaredErrorLoss} with respect to s, for
     * rows [from, to) of g (m stays the whole batch: it is the mean's divisor). Same shapes as the
     * loss; {@code g} (m x n) is overwritten on those rows and must not be {@code s}.
     */
    void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n, int from, int to);

    default void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n) {
        squaredErrorGrad(s, labels, g, m, n, 0, m);
    }

    /**
     * The number of rows whose argmax equals the label. The argmax is the first index of the
     * largest value, as NumPy's: scanning left to right, an index replaces the best so far only
     * when its value is strictly greater, so ties keep the first index and a NaN neither wins
     * nor is beaten (a NaN in column 0 keeps the argmax at 0).
     */
    int countCorrect(float[] s, int[] labels, int m, int n);

    /** The argmax {@link #countCorrect} counts by, of the row s[offset, offset + n) (n at least 1). */
    static int argmax(float[] s, int offset, int n) {
        return ScalarMath.argmax(s, offset, n);
    }

    /**
     * One SGD step with L2 regularisation, in one pass, for e in [from, to):
     * <pre>
     * w[e] -= lr * (dw[e] + reg * w[e])
     * </pre>
     * The L2 term applies to every element it is given, bias rows included (as in TP2).
     * {@code w} is read and overwritten; {@code dw} is read; they must be different arrays.
     *
     * @return a finiteness probe of the updated weights, found in the same pass: 0 when every
     *     updated w[e] is finite, NaN when any is NaN or infinite (the training watchdog's check)
     */
    float sgdUpdate(float[] w, float[] dw, float lr, float reg, int from, int to);

    /**
     * out[e] = a[e] + b[e] for e in [from, to): one rounding per element, the same bits in every
     * backend. {@code out} may be {@code a} or {@code b}. (A layer whose reduction is split into
     * slices adds up the slices' partial sums with it, in a fixed order.)
     */
    void add(float[] a, float[] b, float[] out, int from, int to);

    /**
     * Gathers images by index and centres them, converting bytes to floats on the way, for rows
     * b in [from, to) and the columns [c0, c1) of each image:
     * <pre>
     *   pixels  count x d unsigned bytes, row-major (one image a row)
     *   order   image indices; order[first + b] is the image of row b
     *   mean    d floats
     *   x       m x (c1 - c0) floats, row-major; rows [from, to) overwritten
     * x[b][c - c0] = (pixels[order[first + b] * d + c] &amp; 0xFF) - mean[c],   c0 &lt;= c &lt; c1
     * </pre>
     * One rounding per element, so every backend gives the same bits. An index outside the
     * images throws {@link IllegalArgumentException}.
     */
    void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d, int c0, int c1,
                        int from, int to);

    /** Whole images: columns [0, d). */
    default void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d, int from, int to) {
        gatherCentered(pixels, order, first, mean, x, m, d, 0, d, from, to);
    }

    default void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d) {
        gatherCentered(pixels, order, first, mean, x, m, d, 0, d, 0, m);
    }
}
