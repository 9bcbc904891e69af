package tp2.trainer;

import java.util.Random;
import tp2.data.Images;
import tp2.kernels.Kernels;
import tp2.kernels.ParallelKernels;

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
 *
 * <p><b>The first layer is cut along its inputs</b> into slices of {@link #SLICE} pixels: slice s
 * holds its columns of X ({@code x[s]}, m x ks), its rows of W1 ({@code w1[s]}, (ks+1) x h, row 0
 * the bias for slice 0 and zero for the others) and the partial sums {@code P_s = [1|X_s] W1_s}.
 * The thread that computes a slice gathers its pixels, computes its partial sums, and later its rows
 * of dW1 and their update: X and W1, the two large arrays of a step, never travel between cores (on
 * the 2-core machines here, moving them cost as much as computing them: docs/performance.md).
 * The slices are fixed by k alone, and the partial sums are added in slice order, so the results are
 * bit for bit the same for any thread count. A step is three parallel regions, two over halves
 * of the slices ({@link ParallelKernels#forEach}) and one over rows of the batch
 * ({@link ParallelKernels#forRows}):
 * <ol>
 *   <li>slices: gather X_s, P_s = [1|X_s] W1_s;</li>
 *   <li>rows of the batch: S1 = sigmoid(P_0 + P_1 + ...), S2, G2 and G1, each row from its own;</li>
 *   <li>slices: dW1_s = [1|X_s]^T G1 and the update of W1_s. Meanwhile the calling thread computes
 *       what needs the whole batch and is small: the loss, the correct count, dW2, the W2 update.</li>
 * </ol>
 * Buffers are sized once for the largest batch; a step allocates nothing.
 */
public final class Network {
    /** Inputs per slice of the first layer: 8 slices of 3,072 pixels, each 1.5 KiB of W1 rows x 100. */
    static final int SLICE = 384; // inputs

    private final int k;        // inputs
    private final int hidden;   // hidden units
    private final int classes;  // outputs
    private final int maxBatch;
    private final int slices;

    private final float[][] w1;   // per slice: (ks+1) x hidden; row 0 the bias (slice 0) or zero
    private final float[][] dw1;  // per slice: (ks+1) x hidden
    private final float[][] x;    // per slice: maxBatch x ks, the batch's columns of that slice
    private final float[][] p;    // per slice: maxBatch x hidden, the partial sums [1|X_s] W1_s
    final float[] w2;   // (hidden+1) x classes
    final float[] dw2;  // (hidden+1) x classes
    private final int[] labels; // maxBatch
    private final float[] s1;   // maxBatch x hidden
    private final float[] s2;   // maxBatch x classes
    private final float[] g1;   // maxBatch x hidden
    private final float[] g2;   // maxBatch x classes

    // The batch of the next pass: m rows, gathered from pixels when not null, else x as it is.
    private int m;
    private byte[] pixels;
    private int[] order;
    private int first;
    private float[] mean;

    private final SliceForward sliceForward = new SliceForward();
    private final BatchRows batchRows = new BatchRows();
    private final SliceGradient sliceGradient = new SliceGradient();
    private final WholeBatch wholeBatch = new WholeBatch();
    /** Nanoseconds spent so far in: the forward slices, the batch rows, the gradient slices, the caller's whole-batch work. */
    private final long[] phaseNanos = new long[4];

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
        this.slices = Math.max(1, (k + SLICE - 1) / SLICE);
        w1 = new float[slices][];
        dw1 = new float[slices][];
        x = new float[slices][];
        p = new float[slices][];
        for (int s = 0; s < slices; s++) {
            int ks = sliceEnd(s) - sliceStart(s);
            w1[s] = new float[(ks + 1) * hidden];
            dw1[s] = new float[(ks + 1) * hidden];
            x[s] = new float[maxBatch * ks];
            p[s] = new float[maxBatch * hidden];
        }
        w2 = new float[(hidden + 1) * classes];
        dw2 = new float[w2.length];
        labels = new int[maxBatch];
        s1 = new float[maxBatch * hidden];
        s2 = new float[maxBatch * classes];
        g1 = new float[maxBatch * hidden];
        g2 = new float[maxBatch * classes];
    }

    private int sliceStart(int s) {
        return Math.min(k, s * SLICE);
    }

    private int sliceEnd(int s) {
        return Math.min(k, (s + 1) * SLICE);
    }

    /** W1 ~ N(0, std1^2) and W2 ~ N(0, std2^2), bias rows included, from {@code random}, W1 in row order first. */
    public void initialize(Random random, double std1, double std2) {
        float[] first = new float[(k + 1) * hidden];
        for (int e = 0; e < first.length; e++) {
            first[e] = (float) (random.nextGaussian() * std1);
        }
        setW1(first);
        for (int e = 0; e < w2.length; e++) {
            w2[e] = (float) (random.nextGaussian() * std2);
        }
    }

    public int inputs() {
        return k;
    }

    public int hidden() {
        return hidden;
    }

    public int classes() {
        return classes;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** W1 as one (k+1) x hidden row-major array (a copy, assembled from the slices). */
    public float[] w1() {
        return join(w1);
    }

    /** dW1 of the last pass as one (k+1) x hidden array (a copy): row 0 is slice 0's bias row. */
    float[] dw1() {
        return join(dw1);
    }

    private float[] join(float[][] sliced) {
        float[] whole = new float[(k + 1) * hidden];
        System.arraycopy(sliced[0], 0, whole, 0, hidden);
        for (int s = 0; s < slices; s++) {
            int ks = sliceEnd(s) - sliceStart(s);
            System.arraycopy(sliced[s], hidden, whole, (1 + sliceStart(s)) * hidden, ks * hidden);
        }
        return whole;
    }

    /** Sets W1 from one (k+1) x hidden row-major array. */
    public void setW1(float[] whole) {
        if (whole.length != (k + 1) * hidden) {
            throw new IllegalArgumentException("W1 has " + whole.length + " floats; " + (k + 1) + " x " + hidden + " needs "
                    + (k + 1) * hidden);
        }
        for (int s = 0; s < slices; s++) {
            int ks = sliceEnd(s) - sliceStart(s);
            if (s == 0) {
                System.arraycopy(whole, 0, w1[s], 0, hidden);
            } else {
                java.util.Arrays.fill(w1[s], 0, hidden, 0f);
            }
            System.arraycopy(whole, (1 + sliceStart(s)) * hidden, w1[s], hidden, ks * hidden);
        }
    }

    public float[] w2() {
        return w2;
    }

    /**
     * The next batch: images {@code order[first .. first + m)}, minus {@code mean}. Their labels are
     * read now; the pixels are converted to floats by the next pass, each slice by the thread that
     * computes it.
     */
    public void selectBatch(Images images, int[] order, int first, int m, float[] mean) {
        checkBatch(m);
        for (int b = 0; b < m; b++) {
            labels[b] = images.label(order[first + b]);
        }
        this.m = m;
        this.pixels = images.pixels();
        this.order = order;
        this.first = first;
        this.mean = mean;
    }

    /** The next batch is the first {@code m} rows of {@code x} (m x k, row-major) and {@code y} (labels). */
    public void selectGiven(float[] xWhole, int[] y, int m) {
        checkBatch(m);
        for (int s = 0; s < slices; s++) {
            int c0 = sliceStart(s), ks = sliceEnd(s) - c0;
            for (int i = 0; i < m; i++) {
                System.arraycopy(xWhole, i * k + c0, x[s], i * ks, ks);
            }
        }
        System.arraycopy(y, 0, labels, 0, m);
        this.m = m;
        this.pixels = null;
    }

    private void checkBatch(int m) {
        if (m < 0 || m > maxBatch) {
            throw new IllegalArgumentException("batch of " + m + " rows; this network holds 0 to " + maxBatch);
        }
    }

    /** The labels of the selected batch (maxBatch entries, the first m meaningful). */
    public int[] labels() {
        return labels;
    }

    /** The forward pass of the selected batch: its scores (m x classes, in an internal buffer). */
    public float[] forward(ParallelKernels kernels) {
        Kernels backend = kernels.backend();
        sliceForward.backend = backend;
        kernels.forEach(0, 2 * slices, sliceForward, null);
        batchRows.backend = backend;
        batchRows.backward = false;
        kernels.forRows(0, m, (long) hidden * (slices + 2 * classes), batchRows, null);
        return s2;
    }

    /** Forward, loss and backward on the selected batch; leaves dW1 and dW2 (without the L2 term) filled. */
    public void gradients(ParallelKernels kernels, StepResult result) {
        pass(kernels, false, 0f, 0f, result);
    }

    /**
     * One SGD step on the selected batch: forward, loss, backward, update.
     *
     * @return 0 when every updated weight is finite, NaN otherwise (see {@link Kernels#sgdUpdate})
     */
    public float step(ParallelKernels kernels, float lr, float reg, StepResult result) {
        return pass(kernels, true, lr, reg, result);
    }

    private float pass(ParallelKernels kernels, boolean update, float lr, float reg, StepResult result) {
        Kernels backend = kernels.backend();
        long t0 = System.nanoTime();
        sliceForward.backend = backend;
        kernels.forEach(0, 2 * slices, sliceForward, null);
        long t1 = System.nanoTime();
        batchRows.backend = backend;
        batchRows.backward = true;
        kernels.forRows(0, m, (long) hidden * (slices + 3 * classes), batchRows, null);
        long t2 = System.nanoTime();
        wholeBatch.set(backend, update, lr, reg, result);
        sliceGradient.set(backend, update, lr, reg);
        kernels.forEach(0, 2 * slices, sliceGradient, wholeBatch);
        long t3 = System.nanoTime();
        phaseNanos[0] += t1 - t0;
        phaseNanos[1] += t2 - t1;
        phaseNanos[2] += t3 - t2;
        phaseNanos[3] += wholeBatch.nanos;
        return wholeBatch.probe + sliceGradient.probe;
    }

    /**
     * Nanoseconds spent by the passes so far in their parts: [0] the forward slices (gather, partial
     * sums), [1] the batch rows (S1, S2, G2, G1), [2] the gradient slices (dW1, the W1 update) with
     * the whole-batch work alongside, [3] of which the calling thread's whole-batch work (loss,
     * count, dW2, the W2 update).
     */
    public long[] phaseNanos() {
        return phaseNanos;
    }

    /**
     * Halves of slices: half 2s is slice s's first rows, 2s+1 its last, so that a thread that runs
     * ahead can take over half a slice. The first half has {@code half(count, block)} of the
     * {@code count} rows: about half, rounded up to a multiple of the backend's register block
     * ({@link Kernels#rowBlock()}), so that only the last half can end in a partial block.
     */
    private static int half(int count, int block) {
        return Math.min(count, (count / 2 + block - 1) / block * block);
    }

    /**
     * Halves [a, b) of the slices: rows of the batch, gather X_s (unless given) and P_s = [1|X_s] W1_s.
     * Both halves of a slice in the range go as one call (a panel of W1_s is then read once).
     */
    private final class SliceForward implements ParallelKernels.Rows {
        Kernels backend;

        @Override
        public void run(int a, int b) {
            for (int item = a; item < b; item++) {
                int s = item / 2;
                boolean whole = item % 2 == 0 && item + 1 < b;
                int split = half(m, backend.rowBlock());
                int from = item % 2 == 0 ? 0 : split, to = item % 2 == 0 && !whole ? split : m;
                int c0 = sliceStart(s), c1 = sliceEnd(s);
                if (pixels != null) {
                    backend.gatherCentered(pixels, order, first, mean, x[s], m, k, c0, c1, from, to);
                }
                backend.matmulBias(x[s], w1[s], p[s], m, c1 - c0, hidden, from, to);
                item += whole ? 1 : 0;
            }
        }
    }

    /** Rows [a, b) of the batch: S1 = sigmoid(P_0 + P_1 + ...), S2, and for a step G2 and G1, each from its own row. */
    private final class BatchRows implements ParallelKernels.Rows {
        boolean backward;
        Kernels backend;

        @Override
        public void run(int a, int b) {
            int e0 = a * hidden, e1 = b * hidden;
            if (slices == 1) {
                backend.sigmoid(p[0], s1, e0, e1);
            } else {
                backend.add(p[0], p[1], s1, e0, e1);   // the partial sums in slice order: the same bits on any split
                for (int s = 2; s < slices; s++) {
                    backend.add(s1, p[s], s1, e0, e1);
                }
                backend.sigmoid(s1, s1, e0, e1);                             // S1 = sigmoid([1|X] W1)
            }
            backend.matmulBias(s1, w2, s2, m, hidden, classes, a, b);        // S2 = [1|S1] W2
            if (backward) {
                backend.squaredErrorGrad(s2, labels, g2, m, classes, a, b);   // G2 = 2 (S2 - Y) / m
                backend.matmulGradX(g2, w2, g1, m, hidden, classes, a, b);   // G1 = G2 W2[1:]^T
                backend.sigmoidBackward(s1, g1, e0, e1);                     // G1 *= S1 (1 - S1)
            }
        }
    }

    /** Slices [a, b): dW1_s = [1|X_s]^T G1, then for a step W1_s -= lr (dW1_s + reg W1_s). */
    private final class SliceGradient implements ParallelKernels.Rows {
        Kernels backend;
        boolean update;
        float lr;
        float reg;
        volatile float probe;

        void set(Kernels backend, boolean update, float lr, float reg) {
            this.backend = backend;
            this.update = update;
            this.lr = lr;
            this.reg = reg;
            this.probe = 0f;
        }

        @Override
        public void run(int a, int b) {
            for (int item = a; item < b; item++) {
                int s = item / 2;
                int ks = sliceEnd(s) - sliceStart(s);
                boolean whole = item % 2 == 0 && item + 1 < b;   // both halves: one call
                int split = half(ks + 1, backend.rowBlock());
                int from = item % 2 == 0 ? 0 : split, to = item % 2 == 0 && !whole ? split : ks + 1;
                backend.matmulGradW(x[s], g1, dw1[s], m, ks, hidden, from, to);
                // row 0 of dW1_s is the bias gradient, which belongs to slice 0 alone: the other
                // slices keep their zero row 0 out of the update
                int first = s == 0 ? from : Math.max(from, 1);
                if (update && first < to && backend.sgdUpdate(w1[s], dw1[s], lr, reg, first * hidden, to * hidden) != 0f) {
                    probe = Float.NaN;   // any order of the slices gives the same answer
                }
                item += whole ? 1 : 0;
            }
        }
    }

    /** The calling thread's part while the gradient slices run: what needs the whole batch, all small. */
    private final class WholeBatch implements Runnable {
        Kernels backend;
        boolean update;
        float lr;
        float reg;
        StepResult result;
        float probe;
        long nanos;

        void set(Kernels backend, boolean update, float lr, float reg, StepResult result) {
            this.backend = backend;
            this.update = update;
            this.lr = lr;
            this.reg = reg;
            this.result = result;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            result.loss = backend.squaredErrorLoss(s2, labels, m, classes);
            result.correct = backend.countCorrect(s2, labels, m, classes);
            backend.matmulGradW(s1, g2, dw2, m, hidden, classes);      // dW2 = [1|S1]^T G2
            probe = update ? backend.sgdUpdate(w2, dw2, lr, reg, 0, w2.length) : 0f;
            nanos = System.nanoTime() - start;
        }
    }

    /** (1/2) (|W1|^2 + |W2|^2), in double: the L2 term of the loss is reg times this. */
    public double halfSquaredNorm() {
        double sum = squaredNorm(w2, 0);
        for (float[] slice : w1) {
            sum += squaredNorm(slice, 0);   // the zero bias rows of slices 1.. add nothing
        }
        return 0.5 * sum;
    }

    private static double squaredNorm(float[] a, int from) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;   // four chains: the loop is latency-bound otherwise
        int e = from;
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
        String w = nonFinite(w1(), hidden, "W1");
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
