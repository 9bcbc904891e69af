package tp2.kernels;

import java.util.Random;

/**
 * Gets a backend's kernels compiled before training needs them. Until C2 has compiled a kernel, the
 * JVM runs it in the interpreter or in C1, where every Vector API operation allocates: the first
 * training step took 1.1 s and the first epoch 2.6-3.4 s against 0.6-1.0 s for the next ones
 * (simd, 2 threads, 2026-11-27). Calling every kernel of a training step on small shapes gets the
 * same code paths compiled for a fraction of that, and it can run on a spare core while the data
 * set loads ({@link #start}).
 *
 * <p>The shapes are small but take the paths the real layers take in every backend: a 100-wide
 * output (simd: B read in place, the 7th vector overlapping), a 10-wide one (one vector), the
 * backprop matmul (packed B), reduction slices as long as the real ones, register blocks with
 * tail rows (10 rows), and whole vectors plus a tail in the element-wise kernels: code the warm-up
 * never ran would be compiled as a trap and recompiled once training reaches it. The warm-up uses
 * its own instance and arrays, so it cannot change a result.
 */
public final class WarmUp {
    /** Rounds of every kernel: about a second of one core for simd here. Beyond about 250, rounds saved no more first-epoch time than they took. */
    public static final int ROUNDS = 300;

    private WarmUp() {}

    /**
     * Starts warming up a new instance of {@code backend} on a daemon thread; {@link Thread#join()}
     * it before the work that should run compiled. Set {@code -Dtp2.warmUp=false} to skip it (the
     * thread then does nothing).
     */
    public static Thread start(Backend backend) {
        boolean enabled = !"false".equalsIgnoreCase(System.getProperty("tp2.warmUp"));
        Thread t = new Thread(() -> {
            if (enabled) {
                run(backend.create(), ROUNDS);
            }
        }, "tp2-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Calls every kernel of a training step {@code rounds} times on small shapes. */
    public static void run(Kernels kernels, int rounds) {
        int m = 10, k = 64, hidden = 100, classes = 10, d = 3072, images = 4;
        Random random = new Random(1);
        byte[] pixels = new byte[images * d];
        random.nextBytes(pixels);
        int[] order = {3, 1, 2, 0};
        int[] labels = {1, 7, 3, 0, 9, 2, 5, 5, 8, 4};
        float[] mean = filled(random, d, 100f);
        float[] gathered = new float[images * d];
        float[] x = filled(random, m * k, 1f);
        float[] w1 = filled(random, (k + 1) * hidden, 0.1f);
        float[] s1 = new float[m * hidden];
        float[] w2 = filled(random, (hidden + 1) * classes, 0.1f);
        float[] s2 = new float[m * classes];
        float[] g2 = new float[m * classes];
        float[] dw2 = new float[w2.length];
        float[] g1 = new float[m * hidden];
        int batch = 64, inputs = 4;   // the weight gradient: a slice of 64 batch rows, as in the real layer's
        float[] a = filled(random, batch * inputs, 1f);
        float[] g = filled(random, batch * hidden, 0.1f);
        float[] dw1 = new float[(inputs + 1) * hidden];
        float[] weights = filled(random, 1000, 0.1f);   // whole vectors and a tail at every width
        float[] grads = filled(random, 1000, 0.1f);
        for (int r = 0; r < rounds; r++) {
            kernels.gatherCentered(pixels, order, 0, mean, gathered, images, d);
            kernels.matmulBiasSigmoid(x, w1, s1, m, k, hidden);
            kernels.matmulBias(s1, w2, s2, m, hidden, classes);
            kernels.squaredErrorLoss(s2, labels, m, classes);
            kernels.countCorrect(s2, labels, m, classes);
            kernels.squaredErrorGrad(s2, labels, g2, m, classes);
            kernels.matmulGradW(s1, g2, dw2, m, hidden, classes);
            kernels.matmulGradX(g2, w2, g1, m, hidden, classes);
            kernels.sigmoidBackward(s1, g1, 0, m * hidden);
            kernels.matmulGradW(a, g, dw1, batch, inputs, hidden);
            kernels.sigmoid(grads, s1, 0, m * hidden);
            kernels.sgdUpdate(weights, grads, 1e-3f, 1e-4f, 0, weights.length);
        }
    }

    private static float[] filled(Random random, int length, float scale) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) random.nextGaussian() * scale;
        }
        return a;
    }
}
