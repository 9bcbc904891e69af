package tp2.bench;

import java.util.ArrayList;
import java.util.List;
import tp2.kernels.Kernels;

/**
 * A {@link Kernels} that passes every call to another and adds up its wall time per kernel and
 * shape, for {@link StepProfile}. Two nanoTime reads a call (some 50 ns against calls of 1-1000 us);
 * nothing is allocated once every (kernel, shape) has been seen.
 */
final class TimedKernels implements Kernels {
    /** The kernels, each with its shape pattern: A and B stand for the two numbers passed to {@link #add}. */
    enum Op {
        MATMUL_BIAS("matmulBias", "A -> B"),
        MATMUL_BIAS_SIGMOID("matmulBiasSigmoid", "A -> B"),
        MATMUL_GRAD_W("matmulGradW", "A x B"),
        MATMUL_GRAD_X("matmulGradX", "B -> A"),
        SIGMOID("sigmoid", "A"),
        SIGMOID_BACKWARD("sigmoidBackward", "A"),
        SQUARED_ERROR_LOSS("squaredErrorLoss", "A x B"),
        SQUARED_ERROR_GRAD("squaredErrorGrad", "A x B"),
        COUNT_CORRECT("countCorrect", "A x B"),
        SGD_UPDATE("sgdUpdate", "A"),
        GATHER_CENTERED("gatherCentered", "A x B bytes");

        final String kernel;
        final String shape;

        Op(String kernel, String shape) {
            this.kernel = kernel;
            this.shape = shape;
        }
    }

    /** The time of one kernel at one shape. */
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
    }

    private final Kernels inner;
    private final List<Slot> slots = new ArrayList<>();

    TimedKernels(Kernels inner) {
        this.inner = inner;
    }

    /** The slots seen so far, in first-call order. */
    List<Slot> slots() {
        return slots;
    }

    void reset() {
        for (Slot s : slots) {
            s.nanos = 0;
        }
    }

    private void add(Op op, int a, int b, long start) {
        long nanos = System.nanoTime() - start;
        for (int i = 0; i < slots.size(); i++) {   // a dozen slots at most; indexed: no iterator
            Slot s = slots.get(i);
            if (s.op == op && s.a == a && s.b == b) {
                s.nanos += nanos;
                return;
            }
        }
        Slot slot = new Slot(op, a, b);
        slot.nanos = nanos;
        slots.add(slot);
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
        add(Op.SIGMOID, to - from, 0, t);
    }

    @Override
    public void sigmoidBackward(float[] s, float[] g, int from, int to) {
        long t = System.nanoTime();
        inner.sigmoidBackward(s, g, from, to);
        add(Op.SIGMOID_BACKWARD, to - from, 0, t);
    }

    @Override
    public float squaredErrorLoss(float[] s, int[] labels, int m, int n) {
        long t = System.nanoTime();
        float loss = inner.squaredErrorLoss(s, labels, m, n);
        add(Op.SQUARED_ERROR_LOSS, m, n, t);
        return loss;
    }

    @Override
    public void squaredErrorGrad(float[] s, int[] labels, float[] g, int m, int n) {
        long t = System.nanoTime();
        inner.squaredErrorGrad(s, labels, g, m, n);
        add(Op.SQUARED_ERROR_GRAD, m, n, t);
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
        add(Op.SGD_UPDATE, to - from, 0, t);
        return probe;
    }

    @Override
    public void gatherCentered(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d,
                               int from, int to) {
        long t = System.nanoTime();
        inner.gatherCentered(pixels, order, first, mean, x, m, d, from, to);
        add(Op.GATHER_CENTERED, to - from, d, t);
    }
}
