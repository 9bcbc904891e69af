package tp2.kernels;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs one backend on several threads. Each call is split into independent slices of output rows
 * (rows of out, gx or dw) or of elements, every slice is computed by the same backend with the
 * same instance, and every output element by exactly one thread. Backends compute an element the
 * same way whatever slice it falls in (element slices start at multiples of {@link #ALIGN} from
 * the start of the call, so vector loops and tails cover the same elements), so results do not
 * depend on the thread count or on which thread computed which rows.
 *
 * <p>Row calls (the matmuls and the batch gather) are shared out by work stealing: the rows are
 * cut into up to {@link #CHUNKS_PER_THREAD} chunks per thread, each a multiple of the backend's
 * {@link Kernels#rowBlock()} rows and at least {@link #MIN_PARALLEL_WORK} of work, each thread owns a contiguous run of
 * them and works through it from the front, taking half of what it has left at a time, and a
 * thread that runs out takes single chunks from the back of the run with the most left. When the
 * threads run at the same speed each computes its own run (the same rows every call, so its data
 * stays in its core's caches); when one runs slower, because a virtual machine's cores are shared
 * with other guests or a laptop's are not all alike, the other takes over part of its rows
 * instead of waiting for it. Element calls (sigmoid, sgdUpdate) are memory-bound and short and
 * keep a fixed split.
 *
 * <p>Small calls, below {@link #MIN_PARALLEL_WORK} multiply-adds or elements, run on the calling
 * thread alone. Like the backends it wraps, an instance serves one caller at a time.
 */
public final class ParallelKernels implements Kernels, AutoCloseable {
    /** Element slices start at multiples of this many elements (a multiple of every vector length). */
    static final int ALIGN = 64; // floats
    /** Below this much work a call is not split: waking a thread costs more than it saves. */
    static final long MIN_PARALLEL_WORK = 1L << 16; // multiply-adds or elements
    /** Row calls are cut into up to this many chunks per thread, the unit a thread takes from another. */
    static final int CHUNKS_PER_THREAD = 8;
    /** Longs between two threads' runs in {@link #runs}: one 64-byte cache line each. */
    private static final int RUN_STRIDE = 8;

    /** What a row call computes on rows [from, to). */
    private interface Rows {
        void run(int from, int to);
    }

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
    private int chunkRows;          // rows per chunk of the row call in progress
    /** Per thread, the chunks [first, end) of its run not yet taken, packed as first << 32 | end. */
    private final AtomicLongArray runs;

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
        this.runs = new AtomicLongArray(threads * RUN_STRIDE);
        matmulBiasSlice = stealing((from, to) -> backend.matmulBias(arg0, arg1, arg2, argM, argK, argN, from, to));
        matmulBiasSigmoidSlice = stealing((from, to) -> backend.matmulBiasSigmoid(arg0, arg1, arg2,
                argM, argK, argN, from, to));
        matmulGradWSlice = stealing((from, to) -> backend.matmulGradW(arg0, arg1, arg2, argM, argK, argN, from, to));
        matmulGradXSlice = stealing((from, to) -> backend.matmulGradX(arg0, arg1, arg2, argM, argK, argN, from, to));
        sigmoidSlice = (part, parts) -> backend.sigmoid(arg0, arg1,
                alignedSplit(part, parts), alignedSplit(part + 1, parts));
        sigmoidBackwardSlice = (part, parts) -> backend.sigmoidBackward(arg0, arg1,
                alignedSplit(part, parts), alignedSplit(part + 1, parts));
        sgdUpdateSlice = (part, parts) -> probes[part] = backend.sgdUpdate(arg0, arg1, argLr, argReg,
                alignedSplit(part, parts), alignedSplit(part + 1, parts));
        gatherSlice = stealing((from, to) -> backend.gatherCentered(argBytes, argOrder, argFirst, arg0, arg1, argM, argK,
                from, to));
    }

    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public int rowBlock() {
        return backend.rowBlock();
    }

    /** A slice that takes chunks of the row call in progress, its own run first, then others'. */
    private WorkerPool.Slice stealing(Rows rows) {
        return (part, parts) -> {
            int own = part * RUN_STRIDE;
            while (true) {   // the front of its own run, half of what is left at a time
                long run = runs.get(own);
                int first = (int) (run >>> 32), end = (int) run;
                if (first >= end) {
                    break;
                }
                int take = Math.max(1, (end - first) / 2);
                if (runs.compareAndSet(own, run, pack(first + take, end))) {
                    rows.run(chunkStart(first), chunkStart(first + take));
                }
            }
            while (true) {   // then one chunk at a time from the back of the run with the most left
                int victim = -1;
                int most = 0;
                for (int p = 0; p < parts; p++) {
                    long run = runs.get(p * RUN_STRIDE);
                    int left = (int) run - (int) (run >>> 32);
                    if (left > most) {
                        most = left;
                        victim = p * RUN_STRIDE;
                    }
                }
                if (victim < 0) {
                    return;
                }
                long run = runs.get(victim);
                int first = (int) (run >>> 32), end = (int) run;
                if (first < end && runs.compareAndSet(victim, run, pack(first, end - 1))) {
                    rows.run(chunkStart(end - 1), chunkStart(end));
                }
            }
        };
    }

    private static long pack(int first, int end) {
        return (long) first << 32 | end;
    }

    private int chunkStart(int chunk) {
        return (int) Math.min(argTo, argFrom + (long) chunk * chunkRows);
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
        int rows = to - from;
        int parts = pool.threads();
        if (work < MIN_PARALLEL_WORK || rows < 2 || parts == 1) {
            chunkRows = Math.max(1, rows);
            runs.set(0, pack(0, 1));
            slice.run(0, 1);
            return;
        }
        // CHUNKS_PER_THREAD chunks per thread, but none below MIN_PARALLEL_WORK (a small layer's
        // call stays one chunk per thread: each call repeats the backend's per-call set-up),
        // rounded up to whole row blocks
        long rowWork = Math.max(1, work / rows);
        int minRows = (int) Math.min(rows, (MIN_PARALLEL_WORK + rowWork - 1) / rowWork);
        int block = Math.max(1, backend.rowBlock());
        int rowsPerChunk = Math.max(minRows, (rows + parts * CHUNKS_PER_THREAD - 1) / (parts * CHUNKS_PER_THREAD));
        chunkRows = (rowsPerChunk + block - 1) / block * block;
        int chunks = (rows + chunkRows - 1) / chunkRows;
        for (int p = 0; p < parts; p++) {
            runs.set(p * RUN_STRIDE, pack(chunks * p / parts, chunks * (p + 1) / parts));
        }
        pool.run(slice);   // the pool's volatile publication carries the runs and arguments to the workers
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
