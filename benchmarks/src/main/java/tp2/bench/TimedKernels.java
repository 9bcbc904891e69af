package tp2.bench;

import java.util.ArrayList;
import java.util.List;
import tp2.kernels.Kernels;

/**
 * A {@link Kernels} that passes every call to another and adds up its time per kernel and shape,
 * for {@link StepProfile}. It wraps the single-threaded backend, under {@code ParallelKernels}, so on
 * several threads it sums each thread's time: thread-time, not wall time. Two nanoTime reads a call
 * (some 50 ns against calls of 1-1000 us); nothing is allocated once every (kernel, shape) has been
 * seen on every thread.
 */
final class TimedKernels implements Kernels {
    /** The kernels, each with its shape pattern: A and B stand for the two numbers passed to {@link #add}. */
    enum Op {
        MATMUL_BIAS("matmulBias", "A -> B"),
        MATMUL_BIAS_SIGMOID("matmulBiasSigmoid", "A -> B"),
        MATMUL_GRAD_W("matmulGradW", "A x B"),
        MATMUL_GRAD_X("matmulGradX", "B -> A"),
        SIGMOID("sigmoid", ""),
        SIGMOID_BACKWARD("sigmoidBackward", ""),
        SQUARED_ERROR_LOSS("squaredErrorLoss", "A x B"),
        SQUARED_ERROR_GRAD("squaredErrorGrad", "B classes"),
        COUNT_CORRECT("countCorrect", "A x B"),
        SGD_UPDATE("sgdUpdate", "A weights"),
        ADD("add", ""),
        GATHER_CENTERED("gatherCentered", "A bytes a row");

        final String kernel;
        final String shape;

        Op(String kernel, String shape) {
            this.kernel = kernel;
            this.shape = shape;
        }
    }

    /** The time of one kernel at one shape (on one thread, or summed over threads). */
    static final class Slot {
        private final Op op;
        private final int a;
        private final int b;
        final String kernel;
        final String shape;
        long nanos;

        Slot(Op op, int a, int b) {
            this.op = op;
            this.a = a;
            this.b = b;
            this.kernel = op.kernel;
            this.shape = op.shape.replace("A", Integer.toString(a)).replace("B", Integer.toString(b));
        }

        boolean is(Op op, int a, int b) {
            return this.op == op && this.a == a && this.b == b;
        }
    }

    private final Kernels inner;
    private final List<List<Slot>> perThread = new ArrayList<>();
    private final ThreadLocal<List<Slot>> own = ThreadLocal.withInitial(() -> {
        List<Slot> slots = new ArrayList<>();
        synchronized (perThread) {
            perThread.add(slots);
        }
        return slots;
    });

    TimedKernels(Kernels inner) {
        this.inner = inner;
    }

    /** Every (kernel, shape) seen so far, in first-call order, with its time summed over the threads. */
    List<Slot> slots() {
        List<Slot> merged = new ArrayList<>();
        synchronized (perThread) {
            for (List<Slot> slots : perThread) {
                for (Slot s : slots) {
                    Slot into = null;
                    for (Slot m : merged) {
                        if (m.is(s.op, s.a, s.b)) {
                            into = m;
                        }
                    }
                    if (into == null) {
                        into = new Slot(s.op, s.a, s.b);
                        merged.add(into);
                    }
                    into.nanos += s.nanos;
                }
            }
        }
        return merged;
    }

    /** Zeroes every slot; call between passes, while no kernel runs. */
    void reset() {
        synchronized (perThread) {
            for (List<Slot> slots : perThread) {
                for (Slot s : slots) {
                    s.nanos = 0;
                }
            }
        }
    }

    private void add(Op op, int a, int b, long start) {
        long nanos = System.nanoTime() - start;
        List<Slot> slots = own.get();
        for (int i = 0; i < slots.size(); i++) {   // a dozen slots at most; indexed: no iterator
            Slot s = slots.get(i);
            if (s.is(op, a, b)) {
                s.nanos += nanos;
                return;
            }
        }
        Slot slot = new Slot(op, a, b);
        slot.nanos = nanos;
        slots.add(slot);
    }

    @Override
    public int rowBlock() {
        return inner.rowBlock();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        long t = System.nanoTime();
        inner.matmulBias(x, w, out, m, k, n, from, to);
        add(Op.MATMUL_BIAS, k, n, t);
    }

    @Override
    public void matmulBiasSigmoid(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        long t = System.nanoTime();
        inner.matmulBiasSigmoid(x, w, out, m, k, n, from, to);
        add(Op.MATMUL_BIAS_SIGMOID, k, n, t);
    }

    @Override
    public void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to) {
        long t = System.nanoTime();
        inner.matmulGradW(a, g, dw, m, k, n, from, to);
        add(Op.MATMUL_GRAD_W, k + 1, n, t);
    }

    @Override
    public void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n, int from, int to) {
        long t = System.nanoTime();
        inner.matmulGradX(g, w, gx, m, k, n, from, to);
        add(Op.MATMUL_GRAD_X, k, n, t);
    }

    @Override
    public void sigmoid(float[] x, float[] out, int from, int to) {
        long t = System.nanoTime();
        inner.sigmoid(x, out, from, to);
        add(Op.SIGMOID, 0, 0, t);
    }

    @Override
    public void sigmoidBackward(float[] s, float[] g, int from, int to) {
        long t = System.nanoTime();
        inner.sigmoidBackward(s, g, from, to);
        add(Op.SIGMOID_BACKWARD, 0, 0, t);
    }

    @Override
    public float squaredErrorLoss(float[] s, int[] labels, int m, int n) {
        long t = System.nanoTime();
        float loss = inner.squaredErrorLoss(s, labels, m, n);
        add(Op.SQUARED_ERROR_LOSS, m, n, t);
        return loss;
    }

    @Override
    public void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n, int from, int to) {
        long t = System.nanoTime();
        inner.squaredErrorGrad(s, labels, g, m, n, from, to);
        add(Op.SQUARED_ERROR_GRAD, 0, n, t);
    }

    @Override
    public int countCorrect(float[] s, int[] labels, int m, int n) {
        long t = System.nanoTime();
        int correct = inner.countCorrect(s, labels, m, n);
        add(Op.COUNT_CORRECT, m, n, t);
        return correct;
    }

    @Override
    public float sgdUpdate(float[] w, float[] dw, float lr, float reg, int from, int to) {
        long t = System.nanoTime();
        float probe = inner.sgdUpdate(w, dw, lr, reg, from, to);
        add(Op.SGD_UPDATE, w.length, 0, t);
        return probe;
    }

    @Override
    public void add(float[] a, float[] b, float[] out, int from, int to) {
        long t = System.nanoTime();
        inner.add(a, b, out, from, to);
        add(Op.ADD, 0, 0, t);
    }

    @Override
    public void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d, int c0, int c1,
                               int from, int to) {
        long t = System.nanoTime();
        inner.gatherCentered(pixels, order, first, mean, x, m, d, c0, c1, from, to);
        add(Op.GATHER_CENTERED, c1 - c0, 0, t);
    }
}
