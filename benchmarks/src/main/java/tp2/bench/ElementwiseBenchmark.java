package tp2.bench;

import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tp2.kernels.Kernels;

/**
 * The element-wise kernels of a training step, per backend, at batch 32, 128 and 512:
 * sigmoid and its backward multiply on the hidden layer (m x 100), the squared-error loss, its
 * gradient and the argmax count on the scores (m x 10), and the SGD update of W1 (3073 x 100, the
 * same size at every batch). sigmoid writes to a separate output so every call sees the same
 * inputs. sigmoidBackward works in place and would shrink g by up to 4x a call into slow
 * subnormals, so each call first restores g with one arraycopy (included in its time: about as much
 * memory traffic as the kernel itself). sgdUpdate rewrites W1 in place, which drifts the values but
 * not the work. gatherCentered turns m shuffled images of 3,072 bytes into centred floats, a new
 * batch each call from 10,000 images (30 MB, beyond the caches like the training set). Setup checks
 * each backend against naive. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar ElementwiseBenchmark -p m=128}.
 */
@State(Scope.Benchmark)
public class ElementwiseBenchmark extends BenchmarkBase {
    static final int HIDDEN = 100;
    static final int CLASSES = 10;
    static final int W1 = 3073 * 100;
    static final int PIXELS = 3072;
    static final int IMAGES = 10_000;   // 30 MB of pixels: larger than the caches, as the 150 MB training set is

    @Param({"naive", "blocked", "simd"})
    public String backend;

    @Param({"32", "128", "512"})
    public int m;

    private Kernels kernels;
    private float[] z;       // m x 100 pre-activations
    private float[] s;       // m x 100 activations
    private float[] g;       // m x 100 gradient
    private float[] g0;      // its initial values
    private float[] scores;  // m x 10
    private float[] grad;    // m x 10
    private int[] labels;    // m
    private float[] w;       // W1
    private float[] dw;      // dW1
    private byte[] pixels;   // IMAGES x 3072 bytes
    private int[] order;     // a shuffled order of the images
    private float[] mean;    // 3072
    private float[] x;       // m x 3072
    private int first;       // the next batch's first position in order

    @Setup
    public void setup() {
        Random random = new Random(7);
        z = Layer.gaussian(random, m * HIDDEN);
        for (int e = 0; e < z.length; e++) {
            z[e] *= 4f;
        }
        s = new float[m * HIDDEN];
        g0 = Layer.gaussian(random, m * HIDDEN);
        g = g0.clone();
        scores = Layer.gaussian(random, m * CLASSES);
        grad = new float[m * CLASSES];
        labels = new int[m];
        for (int i = 0; i < m; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        w = Layer.gaussian(random, W1);
        dw = Layer.gaussian(random, W1);
        pixels = new byte[IMAGES * PIXELS];
        random.nextBytes(pixels);
        order = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            int j = random.nextInt(i + 1);
            order[i] = order[j];
            order[j] = i;
        }
        mean = new float[PIXELS];
        for (int c = 0; c < PIXELS; c++) {
            mean[c] = 127.5f + (float) random.nextGaussian();
        }
        x = new float[m * PIXELS];
        kernels = Layer.create(backend);

        float[] expected = new float[s.length];
        Layer.NAIVE.sigmoid(z, expected, 0, z.length);
        kernels.sigmoid(z, s, 0, z.length);
        for (int e = 0; e < s.length; e++) {
            if (!(Math.abs(s[e] - expected[e]) <= 8 * Math.ulp(expected[e]) + Float.MIN_NORMAL)) {
                throw new IllegalStateException(backend + " sigmoid disagrees with naive at " + e);
            }
        }
        float loss = kernels.squaredErrorLoss(scores, labels, m, CLASSES);
        float lossRef = Layer.NAIVE.squaredErrorLoss(scores, labels, m, CLASSES);
        if (!(Math.abs(loss - lossRef) <= 1e-5 * Math.abs(lossRef) + 1e-6)) {
            throw new IllegalStateException(backend + " squaredErrorLoss " + loss + " vs naive " + lossRef);
        }
        if (kernels.countCorrect(scores, labels, m, CLASSES) != Layer.NAIVE.countCorrect(scores, labels, m, CLASSES)) {
            throw new IllegalStateException(backend + " countCorrect disagrees with naive");
        }
        float[] gradRef = new float[grad.length];
        Layer.NAIVE.squaredErrorGrad(scores, labels, gradRef, m, CLASSES);
        kernels.squaredErrorGrad(scores, labels, grad, m, CLASSES);
        agree("squaredErrorGrad", gradRef, grad, e -> 2.0 / m * (Math.abs(scores[e]) + 1));
        float[] gRef = g0.clone();
        float[] gOut = g0.clone();
        Layer.NAIVE.sigmoidBackward(s, gRef, 0, gRef.length);
        kernels.sigmoidBackward(s, gOut, 0, gOut.length);
        agree("sigmoidBackward", gRef, gOut, e -> Math.abs(g0[e]) * (Math.abs(s[e]) + s[e] * s[e]));
        float[] wRef = w.clone();
        float[] wOut = w.clone();
        Layer.NAIVE.sgdUpdate(wRef, dw, 1e-3f, 1e-4f, 0, W1);
        kernels.sgdUpdate(wOut, dw, 1e-3f, 1e-4f, 0, W1);
        float[] xRef = new float[x.length];
        Layer.NAIVE.gatherCentered(pixels, order, 0, mean, xRef, m, PIXELS, 0, m);
        kernels.gatherCentered(pixels, order, 0, mean, x, m, PIXELS, 0, m);
        agree("gatherCentered", xRef, x, e -> 0);   // byte - mean: one rounding, the same in every backend
        agree("sgdUpdate", wRef, wOut, e -> Math.abs(w[e]) + 1e-3 * (Math.abs(dw[e]) + 1e-4 * Math.abs(w[e])));
    }

    /**
     * Element-wise results may differ from naive by rounding (fma, operation order): at most 16 eps
     * of the sum of the absolute terms of each element, as the unit tests allow.
     */
    private void agree(String kernel, float[] expected, float[] actual, java.util.function.IntToDoubleFunction absTerms) {
        for (int e = 0; e < expected.length; e++) {
            if (!(Math.abs(expected[e] - actual[e]) <= 16 * Math.ulp(1f) * absTerms.applyAsDouble(e) + Float.MIN_NORMAL)) {
                throw new IllegalStateException(backend + " " + kernel + " disagrees with naive at " + e + ": "
                        + actual[e] + " vs " + expected[e]);
            }
        }
    }

    @Benchmark
    public float[] sigmoid() {
        kernels.sigmoid(z, s, 0, z.length);
        return s;
    }

    @Benchmark
    public float[] sigmoidBackward() {
        System.arraycopy(g0, 0, g, 0, g.length);
        kernels.sigmoidBackward(s, g, 0, g.length);
        return g;
    }

    @Benchmark
    public float squaredErrorLoss() {
        return kernels.squaredErrorLoss(scores, labels, m, CLASSES);
    }

    @Benchmark
    public float[] squaredErrorGrad() {
        kernels.squaredErrorGrad(scores, labels, grad, m, CLASSES);
        return grad;
    }

    @Benchmark
    public int countCorrect() {
        return kernels.countCorrect(scores, labels, m, CLASSES);
    }

    @Benchmark
    public float sgdUpdate() {
        return kernels.sgdUpdate(w, dw, 1e-3f, 1e-4f, 0, W1);
    }

    /** The batch gather: m shuffled images, bytes to floats minus the pixel mean, a new batch each call. */
    @Benchmark
    public float[] gatherCentered() {
        if (first + m > IMAGES) {
            first = 0;
        }
        kernels.gatherCentered(pixels, order, first, mean, x, m, PIXELS, 0, m);
        first += m;
        return x;
    }
}
