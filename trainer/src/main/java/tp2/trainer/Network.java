package tp2.trainer;

import java.util.Random;
import tp2.kernels.Kernels;

/**
 * The TP2 network and one training step, through {@link Kernels} only:
 * <pre>
 *   S1 = sigmoid([1|X] W1)          X  m x k,   W1 (k+1) x h,  S1 m x h
 *   S2 = [1|S1] W2                  W2 (h+1) x c,  S2 m x c
 *   loss = mean_i sum_j (S2 - Y)^2 + (reg/2) (|W1|^2 + |W2|^2)
 *   G2 = 2 (S2 - Y) / m;  dW2 = [1|S1]^T G2
 *   G1 = (G2 W2[1:]^T) * S1 (1 - S1);  dW1 = [1|X]^T G1
 *   W -= lr (dW + reg W)            (L2 on every row, bias rows included)
 * </pre>
 * Buffers are sized once for the largest batch; a step allocates nothing.
 */
public final class Network {
    private final int k;        // inputs
    private final int hidden;   // hidden units
    private final int classes;  // outputs
    private final int maxBatch;

    final float[] w1;   // (k+1) x hidden
    final float[] w2;   // (hidden+1) x classes
    final float[] dw1;  // (k+1) x hidden
    final float[] dw2;  // (hidden+1) x classes
    private final float[] s1;   // maxBatch x hidden
    private final float[] s2;   // maxBatch x classes
    private final float[] g1;   // maxBatch x hidden
    private final float[] g2;   // maxBatch x classes

    /** What one step measured on its batch, before the update. */
    public static final class StepResult {
        public float loss;      // the data term only: mean over rows of the squared error
        public int correct;     // rows whose argmax is the label
    }

    public Network(int k, int hidden, int classes, int maxBatch) {
        this.k = k;
        this.hidden = hidden;
        this.classes = classes;
        this.maxBatch = maxBatch;
        w1 = new float[(k + 1) * hidden];
        w2 = new float[(hidden + 1) * classes];
        dw1 = new float[w1.length];
        dw2 = new float[w2.length];
        s1 = new float[maxBatch * hidden];
        s2 = new float[maxBatch * classes];
        g1 = new float[maxBatch * hidden];
        g2 = new float[maxBatch * classes];
    }

    /** W1 ~ N(0, std1^2) and W2 ~ N(0, std2^2), bias rows included, from {@code random}. */
    public void initialize(Random random, double std1, double std2) {
        for (int e = 0; e < w1.length; e++) {
            w1[e] = (float) (random.nextGaussian() * std1);
        }
        for (int e = 0; e < w2.length; e++) {
            w2[e] = (float) (random.nextGaussian() * std2);
        }
    }

    public int classes() {
        return classes;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public float[] w1() {
        return w1;
    }

    public float[] w2() {
        return w2;
    }

    /** The forward pass: scores of {@code m} rows of x into the internal S2, returned (m x classes). */
    public float[] forward(Kernels kernels, float[] x, int m) {
        kernels.matmulBiasSigmoid(x, w1, s1, m, k, hidden);   // S1 = sigmoid([1|X] W1)
        kernels.matmulBias(s1, w2, s2, m, hidden, classes);   // S2 = [1|S1] W2
        return s2;
    }

    /** Forward, loss and backward on one batch; leaves dW1 and dW2 (without the L2 term) filled. */
    public void gradients(Kernels kernels, float[] x, int[] labels, int m, StepResult result) {
        forward(kernels, x, m);
        result.loss = kernels.squaredErrorLoss(s2, labels, m, classes);
        result.correct = kernels.countCorrect(s2, labels, m, classes);
        kernels.squaredErrorGrad(s2, labels, g2, m, classes);       // G2 = 2 (S2 - Y) / m
        kernels.matmulGradW(s1, g2, dw2, m, hidden, classes);       // dW2 = [1|S1]^T G2
        kernels.matmulGradX(g2, w2, g1, m, hidden, classes);        // G1 = G2 W2[1:]^T
        kernels.sigmoidBackward(s1, g1, 0, m * hidden);            // G1 *= S1 (1 - S1)
        kernels.matmulGradW(x, g1, dw1, m, k, hidden);              // dW1 = [1|X]^T G1
    }

    /**
     * W -= lr (dW + reg W) for both layers.
     *
     * @return 0 when every updated weight is finite, NaN otherwise (see {@link Kernels#sgdUpdate})
     */
    public float update(Kernels kernels, float lr, float reg) {
        return kernels.sgdUpdate(w1, dw1, lr, reg, 0, w1.length) + kernels.sgdUpdate(w2, dw2, lr, reg, 0, w2.length);
    }

    /** One SGD step: forward, loss, backward, update; returns the update's finiteness probe. */
    public float step(Kernels kernels, float[] x, int[] labels, int m, float lr, float reg, StepResult result) {
        gradients(kernels, x, labels, m, result);
        return update(kernels, lr, reg);
    }

    /** (1/2) (|W1|^2 + |W2|^2), in double: the L2 term of the loss is reg times this. */
    public double halfSquaredNorm() {
        return 0.5 * (squaredNorm(w1) + squaredNorm(w2));
    }

    private static double squaredNorm(float[] a) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;   // four chains: the loop is latency-bound otherwise
        int e = 0;
        for (; e + 4 <= a.length; e += 4) {
            s0 += (double) a[e] * a[e];
            s1 += (double) a[e + 1] * a[e + 1];
            s2 += (double) a[e + 2] * a[e + 2];
            s3 += (double) a[e + 3] * a[e + 3];
        }
        for (; e < a.length; e++) {
            s0 += (double) a[e] * a[e];
        }
        return s0 + s1 + s2 + s3;
    }

    /**
     * The first non-finite weight as "W1[r][c] = NaN" (or W2), or null when all are finite. Only
     * called once the update's probe said that one exists, so it may be slow.
     */
    public String firstNonFiniteWeight() {
        String w = nonFinite(w1, hidden, "W1");
        return w != null ? w : nonFinite(w2, classes, "W2");
    }

    private static String nonFinite(float[] a, int cols, String name) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                return name + "[" + i / cols + "][" + i % cols + "] = " + a[i];
            }
        }
        return null;
    }
}
