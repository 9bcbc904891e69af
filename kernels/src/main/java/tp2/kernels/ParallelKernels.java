package tp2.kernels;

/**
 * Runs one backend on several threads. Each call is split into independent slices of output rows
 * (rows of out, gx or dw) or of elements, every slice is computed by the same backend with the
 * same instance, and every output element by exactly one thread. Backends compute an element the
 * same way whatever slice it falls in (element slices start at multiples of {@link #ALIGN} from
 * the start of the call, so vector loops and tails cover the same elements), so results do not
 * depend on the thread count.
 *
 * <p>Small calls, below {@link #MIN_PARALLEL_WORK} multiply-adds or elements, run on the calling
 * thread alone. Like the backends it wraps, an instance serves one caller at a time.
 */
public final class ParallelKernels implements Kernels, AutoCloseable {
    /** Element slices start at multiples of this many elements (a multiple of every vector length). */
    static final int ALIGN = 64; // floats
    /** Below this much work a call is not split: waking a thread costs more than it saves. */
    static final long MIN_PARALLEL_WORK = 1L << 16; // multiply-adds or elements

    private final Kernels backend;
    private final WorkerPool pool;

    // The call in progress; written by the caller before the pool publishes it, read by the workers.
    private float[] arg0;
    private float[] arg1;
    private float[] arg2;
    private int argM;
    private int argK;
    private int argN;
    private int argFrom;
    private int argTo;
    private float argLr;
    private float argReg;
    private byte[] argBytes;
    private int[] argOrder;
    private int argFirst;
    private final float[] probes;   // one finiteness probe per part of an sgdUpdate

    private final WorkerPool.Slice matmulBiasSlice;
    private final WorkerPool.Slice matmulBiasSigmoidSlice;
    private final WorkerPool.Slice matmulGradWSlice;
    private final WorkerPool.Slice matmulGradXSlice;
    private final WorkerPool.Slice sigmoidSlice;
    private final WorkerPool.Slice sigmoidBackwardSlice;
    private final WorkerPool.Slice sgdUpdateSlice;
    private final WorkerPool.Slice gatherSlice;

    /** {@code backend} split over {@code threads} threads (the caller's included). */
    public ParallelKernels(Kernels backend, int threads) {
        this.backend = backend;
        this.pool = new WorkerPool(threads);
        this.probes = new float[threads];
        matmulBiasSlice = (part, parts) -> backend.matmulBias(arg0, arg1, arg2,
                argM, argK, argN, rowSplit(part, parts), rowSplit(part + 1, parts));
        matmulBiasSigmoidSlice = (part, parts) -> backend.matmulBiasSigmoid(arg0,
                arg1, arg2, argM, argK, argN, rowSplit(part, parts), rowSplit(part + 1, parts));
        matmulGradWSlice = (part, parts) -> backend.matmulGradW(arg0, arg1, arg2,
                argM, argK, argN, rowSplit(part, parts), rowSplit(part + 1, parts));
        matmulGradXSlice = (part, parts) -> backend.matmulGradX(arg0, arg1, arg2,
                argM, argK, argN, rowSplit(part, parts), rowSplit(part + 1, parts));
        sigmoidSlice = (part, parts) -> backend.sigmoid(arg0, arg1,
                alignedSplit(part, parts), alignedSplit(part + 1, parts));
        sigmoidBackwardSlice = (part, parts) -> backend.sigmoidBackward(arg0, arg1,
                alignedSplit(part, parts), alignedSplit(part + 1, parts));
        sgdUpdateSlice = (part, parts) -> probes[part] = backend.sgdUpdate(arg0, arg1, argLr, argReg,
                alignedSplit(part, parts), alignedSplit(part + 1, parts));
        gatherSlice = (part, parts) -> backend.gatherCentered(argBytes, argOrder, argFirst, arg0, arg1, argM, argK,
                rowSplit(part, parts), rowSplit(part + 1, parts));

    }

    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return backend.name();
    }

    private int rowSplit(int part, int parts) {
        return argFrom + (int) ((long) (argTo - argFrom) * part / parts);
    }

    private int alignedSplit(int part, int parts) {
        int length = argTo - argFrom;
        int chunk = ((length + parts - 1) / parts + ALIGN - 1) / ALIGN * ALIGN;
        return argFrom + Math.min(length, part * chunk);
    }

    private void matrixCall(WorkerPool.Slice slice, float[] a, float[] b, float[] c, int m, int k, int n,
                            int from, int to, long work) {
        arg0 = a;
        arg1 = b;
        arg2 = c;
        argM = m;
        argK = k;
        argN = n;
        argFrom = from;
        argTo = to;
        if (work < MIN_PARALLEL_WORK || to - from < 2) {
            slice.run(0, 1);
        } else {
            pool.run(slice);
        }
    }

    private void elementCall(WorkerPool.Slice slice, float[] a, float[] b, int from, int to) {
        arg0 = a;
        arg1 = b;
        argFrom = from;
        argTo = to;
        if (to - from < MIN_PARALLEL_WORK) {
            slice.run(0, 1);
        } else {
            pool.run(slice);
        }
    }

    @Override
    public void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        matrixCall(matmulBiasSlice, x, w, out, m, k, n, from, to, (long) (to - from) * k * n);
    }

    @Override
    public void matmulBiasSigmoid(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        matrixCall(matmulBiasSigmoidSlice, x, w, out, m, k, n, from, to, (long) (to - from) * k * n);
    }

    @Override
    public void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to) {
        Checks.matmulGradW(a, g, dw, m, k, n, from, to);
        matrixCall(matmulGradWSlice, a, g, dw, m, k, n, from, to, (long) (to - from) * m * n);
    }

    @Override
    public void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n, int from, int to) {
        Checks.matmulGradX(g, w, gx, m, k, n, from, to);
        matrixCall(matmulGradXSlice, g, w, gx, m, k, n, from, to, (long) (to - from) * k * n);
    }

    @Override
    public void sigmoid(float[] x, float[] out, int from, int to) {
        Checks.elementwise("sigmoid", "x", x, "out", out, from, to, true);
        elementCall(sigmoidSlice, x, out, from, to);
    }

    @Override
    public void sigmoidBackward(float[] s, float[] g, int from, int to) {
        Checks.elementwise("sigmoidBackward", "s", s, "g", g, from, to, false);
        elementCall(sigmoidBackwardSlice, s, g, from, to);
    }

    @Override
    public float squaredErrorLoss(float[] s, int[] labels, int m, int n) {
        return backend.squaredErrorLoss(s, labels, m, n);
    }

    @Override
    public void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n) {
        backend.squaredErrorGrad(s, labels, g, m, n);
    }

    @Override
    public int countCorrect(float[] s, int[] labels, int m, int n) {
        return backend.countCorrect(s, labels, m, n);
    }

    @Override
    public float sgdUpdate(float[] w, float[] dw, float lr, float reg, int from, int to) {
        Checks.elementwise("sgdUpdate", "dw", dw, "w", w, from, to, false);
        argLr = lr;
        argReg = reg;
        java.util.Arrays.fill(probes, 0f);
        elementCall(sgdUpdateSlice, w, dw, from, to);
        float probe = 0f;
        for (float p : probes) {
            probe += p;
        }
        return probe;
    }

    @Override
    public void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d,
                               int from, int to) {
        Checks.gather(pixels, order, first, mean, x, m, d, from, to);
        argBytes = pixels;
        argOrder = order;
        argFirst = first;
        matrixCall(gatherSlice, mean, x, null, m, d, 0, from, to, (long) (to - from) * d);
    }

    @Override
    public void close() {
        pool.close();
    }
}
