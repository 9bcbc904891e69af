package tp2.kernels;

/**
 * Runs one backend on several threads. Each call is split into independent chunks of output rows
 * (rows of out, gx, dw or x) or of elements, every chunk is computed by the same backend instance,
 * and every output element by exactly one thread. Backends compute an element the same way
 * whatever chunk it falls in (element chunks start at multiples of {@link #ALIGN} from the start of
 * the call, so vector loops and tails cover the same elements), so results do not depend on the
 * thread count or on which thread computed which rows.
 *
 * <p>The chunks are shared out by work stealing ({@link WorkerPool}): row chunks are multiples of
 * the backend's {@link Kernels#rowBlock()} rows, up to {@link #CHUNKS_PER_THREAD} per thread and
 * none below {@link #MIN_PARALLEL_WORK} multiply-adds; calls below that run on the calling thread
 * alone (waking a thread costs more than they take). The caller never waits for a thread that has
 * not started: a descheduled worker's chunks are taken by the others.
 *
 * <p>{@link #forRows} runs any row-wise work the same way, so that a training step can put several
 * kernels into one parallel region ({@code Network}). Each kernel's arguments travel in a small
 * task object of its own, made once: a call allocates nothing. Like the backends it wraps, an
 * instance serves one caller at a time.
 */
public final class ParallelKernels implements Kernels, AutoCloseable {
    /** Element chunks start at multiples of this many elements (a multiple of every vector length). */
    static final int ALIGN = 64; // floats
    /** Below this much work a call is not split: waking a thread costs more than it saves. */
    static final long MIN_PARALLEL_WORK = 1L << 16; // multiply-adds or elements
    /** Calls are cut into up to this many chunks per thread, the unit a thread takes from another. */
    static final int CHUNKS_PER_THREAD = 8;

    /** Work on rows (or elements) [from, to), any sub-range of a call, on whichever thread takes it. */
    public interface Rows {
        void run(int from, int to);
    }

    private final Kernels backend;
    private final WorkerPool pool;

    private final MatmulBias matmulBias = new MatmulBias();
    private final MatmulBiasSigmoid matmulBiasSigmoid = new MatmulBiasSigmoid();
    private final MatmulGradW matmulGradW = new MatmulGradW();
    private final MatmulGradX matmulGradX = new MatmulGradX();
    private final Sigmoid sigmoid = new Sigmoid();
    private final SigmoidBackward sigmoidBackward = new SigmoidBackward();
    private final SgdUpdate sgdUpdate = new SgdUpdate();
    private final Add add = new Add();
    private final Gather gather = new Gather();

    /** {@code backend} split over {@code threads} threads (the caller's included). */
    public ParallelKernels(Kernels backend, int threads) {
        this.backend = backend;
        this.pool = new WorkerPool(threads);
    }

    public int threads() {
        return pool.threads();
    }

    /**
     * Calls that ran on the calling thread alone because the other threads kept stalling (the
     * operating system descheduling them for another program); 0 on a quiet machine.
     */
    public long soloCalls() {
        return pool.soloCalls();
    }

    /**
     * Tells the pool a new phase of work starts (a training pass): the calls before it are not
     * judged with the ones after when the pool decides whether its workers pay (see WorkerPool).
     */
    public void newPhase() {
        pool.newPhase();
    }

    /** The single-threaded backend every chunk runs on. */
    public Kernels backend() {
        return backend;
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public int rowBlock() {
        return backend.rowBlock();
    }

    /**
     * Runs {@code rows} on [from, to) split into row chunks as a matrix call with
     * {@code workPerRow} multiply-adds a row would be, and returns when all are done. The calling
     * thread first runs {@code alongside} (when not null), work of its own that may overlap the
     * chunks, then takes chunks too. {@code rows} must compute each row the same way whatever
     * chunk it falls in, write only its own rows' outputs, and be allocated once by the caller.
     */
    public void forRows(int from, int to, long workPerRow, Rows rows, Runnable alongside) {
        int count = to - from;
        if (count < 0) {
            throw new IllegalArgumentException("forRows: from " + from + " > to " + to);
        }
        long work = workPerRow * count;
        int parts = pool.threads();
        if (work < MIN_PARALLEL_WORK || count < 2 || parts == 1) {
            if (alongside != null) {
                alongside.run();
            }
            rows.run(from, to);
            return;
        }
        // CHUNKS_PER_THREAD chunks per thread, but none below MIN_PARALLEL_WORK, rounded up to
        // whole row blocks so that no chunk but the last runs a partial register block
        long rowWork = Math.max(1, workPerRow);
        int minRows = (int) Math.min(count, (MIN_PARALLEL_WORK + rowWork - 1) / rowWork);
        int block = Math.max(1, backend.rowBlock());
        int perChunk = Math.max(minRows, (count + parts * CHUNKS_PER_THREAD - 1) / (parts * CHUNKS_PER_THREAD));
        perChunk = (perChunk + block - 1) / block * block;
        pool.forChunks(rows, from, to, perChunk, (count + perChunk - 1) / perChunk, alongside);
    }

    /**
     * Runs {@code items} on each index of [from, to), one index a chunk: for a few large pieces of
     * work (the slices of a layer), each thread taking the same indices every call unless one runs
     * late. {@code alongside} and the rules are those of {@link #forRows}.
     */
    public void forEach(int from, int to, Rows items, Runnable alongside) {
        int count = to - from;
        if (count < 0) {
            throw new IllegalArgumentException("forEach: from " + from + " > to " + to);
        }
        if (count < 2 || pool.threads() == 1) {
            if (alongside != null) {
                alongside.run();
            }
            items.run(from, to);
            return;
        }
        pool.forChunks(items, from, to, 1, count, alongside);
    }

    /** Elements [from, to) in chunks starting at multiples of {@link #ALIGN} from {@code from}. */
    private void forElements(int from, int to, Rows elements) {
        int count = to - from;
        int parts = pool.threads();
        if (count < MIN_PARALLEL_WORK || parts == 1) {
            elements.run(from, to);
            return;
        }
        int perChunk = (count + parts * CHUNKS_PER_THREAD - 1) / (parts * CHUNKS_PER_THREAD);
        perChunk = (perChunk + ALIGN - 1) / ALIGN * ALIGN;
        pool.forChunks(elements, from, to, perChunk, (count + perChunk - 1) / perChunk, null);
    }

    @Override
    public void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        matmulBias.set(x, w, out, m, k, n);
        forRows(from, to, (long) k * n, matmulBias, null);
    }

    @Override
    public void matmulBiasSigmoid(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        Checks.matmulBias(x, w, out, m, k, n, from, to);
        matmulBiasSigmoid.set(x, w, out, m, k, n);
        forRows(from, to, (long) k * n, matmulBiasSigmoid, null);
    }

    @Override
    public void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to) {
        Checks.matmulGradW(a, g, dw, m, k, n, from, to);
        matmulGradW.set(a, g, dw, m, k, n);
        forRows(from, to, (long) m * n, matmulGradW, null);
    }

    @Override
    public void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n, int from, int to) {
        Checks.matmulGradX(g, w, gx, m, k, n, from, to);
        matmulGradX.set(g, w, gx, m, k, n);
        forRows(from, to, (long) k * n, matmulGradX, null);
    }

    @Override
    public void sigmoid(float[] x, float[] out, int from, int to) {
        Checks.elementwise("sigmoid", "x", x, "out", out, from, to, true);
        sigmoid.x = x;
        sigmoid.out = out;
        forElements(from, to, sigmoid);
    }

    @Override
    public void sigmoidBackward(float[] s, float[] g, int from, int to) {
        Checks.elementwise("sigmoidBackward", "s", s, "g", g, from, to, false);
        sigmoidBackward.s = s;
        sigmoidBackward.g = g;
        forElements(from, to, sigmoidBackward);
    }

    @Override
    public float squaredErrorLoss(float[] s, int[] labels, int m, int n) {
        return backend.squaredErrorLoss(s, labels, m, n);
    }

    @Override
    public void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n, int from, int to) {
        backend.squaredErrorGrad(s, labels, g, m, n, from, to);
    }

    @Override
    public int countCorrect(float[] s, int[] labels, int m, int n) {
        return backend.countCorrect(s, labels, m, n);
    }

    @Override
    public float sgdUpdate(float[] w, float[] dw, float lr, float reg, int from, int to) {
        Checks.elementwise("sgdUpdate", "dw", dw, "w", w, from, to, false);
        sgdUpdate.set(w, dw, lr, reg);
        forElements(from, to, sgdUpdate);
        return sgdUpdate.probe;
    }

    @Override
    public void add(float[] a, float[] b, float[] out, int from, int to) {
        Checks.add(a, b, out, from, to);
        add.a = a;
        add.b = b;
        add.out = out;
        forElements(from, to, add);
    }

    @Override
    public void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d, int c0, int c1,
                               int from, int to) {
        Checks.gather(pixels, order, first, mean, x, m, d, c0, c1, from, to);
        gather.set(pixels, order, first, mean, x, m, d, c0, c1);
        forRows(from, to, c1 - c0, gather, null);
    }

    @Override
    public void close() {
        pool.close();
    }

    /** The operands of a matrix call: two inputs, an output and the shape. */
    private abstract static class MatrixTask implements Rows {
        float[] in1;
        float[] in2;
        float[] out;
        int m;
        int k;
        int n;

        final void set(float[] in1, float[] in2, float[] out, int m, int k, int n) {
            this.in1 = in1;
            this.in2 = in2;
            this.out = out;
            this.m = m;
            this.k = k;
            this.n = n;
        }
    }

    private final class MatmulBias extends MatrixTask {
        @Override
        public void run(int from, int to) {
            backend.matmulBias(in1, in2, out, m, k, n, from, to);
        }
    }

    private final class MatmulBiasSigmoid extends MatrixTask {
        @Override
        public void run(int from, int to) {
            backend.matmulBiasSigmoid(in1, in2, out, m, k, n, from, to);
        }
    }

    private final class MatmulGradW extends MatrixTask {
        @Override
        public void run(int from, int to) {
            backend.matmulGradW(in1, in2, out, m, k, n, from, to);
        }
    }

    private final class MatmulGradX extends MatrixTask {
        @Override
        public void run(int from, int to) {
            backend.matmulGradX(in1, in2, out, m, k, n, from, to);
        }
    }

    private final class Sigmoid implements Rows {
        float[] x;
        float[] out;

        @Override
        public void run(int from, int to) {
            backend.sigmoid(x, out, from, to);
        }
    }

    private final class SigmoidBackward implements Rows {
        float[] s;
        float[] g;

        @Override
        public void run(int from, int to) {
            backend.sigmoidBackward(s, g, from, to);
        }
    }

    /** The update and its finiteness probe: NaN once any chunk's probe is not 0 (any order gives the same). */
    private final class SgdUpdate implements Rows {
        float[] w;
        float[] dw;
        float lr;
        float reg;
        volatile float probe;

        void set(float[] w, float[] dw, float lr, float reg) {
            this.w = w;
            this.dw = dw;
            this.lr = lr;
            this.reg = reg;
            this.probe = 0f;
        }

        @Override
        public void run(int from, int to) {
            if (backend.sgdUpdate(w, dw, lr, reg, from, to) != 0f) {
                probe = Float.NaN;
            }
        }
    }

    private final class Add implements Rows {
        float[] a;
        float[] b;
        float[] out;

        @Override
        public void run(int from, int to) {
            backend.add(a, b, out, from, to);
        }
    }

    private final class Gather implements Rows {
        byte[] pixels;
        int[] order;
        int first;
        float[] mean;
        float[] x;
        int m;
        int d;
        int c0;
        int c1;

        void set(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d, int c0, int c1) {
            this.pixels = pixels;
            this.order = order;
            this.first = first;
            this.mean = mean;
            this.x = x;
            this.m = m;
            this.d = d;
            this.c0 = c0;
            this.c1 = c1;
        }

        @Override
        public void run(int from, int to) {
            backend.gatherCentered(pixels, order, first, mean, x, m, d, c0, c1, from, to);
        }
    }
}
