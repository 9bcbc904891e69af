package tp2.bench;

import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tp2.kernels.Kernels;
import tp2.kernels.ParallelKernels;

/**
 * The three matrix kernels of a training step, per backend, on the real layers at batch 32, 128
 * and 512, single-threaded:
 * - matmulBias:  out = [1|x] w,    m x k by (k+1) x n (the forward pass of each layer);
 * - matmulGradW: dw = [1|a]^T g,   the weight gradient, reduction over the batch;
 * - matmulGradX: gx = g w[1:]^T,   the backprop matmul (in training only for the output layer).
 * Each is 2 m k n flops; the report turns microseconds per call into GFLOP/s and % of the FMA
 * peak ({@link PeakBenchmark}). Setup checks each backend against naive before measuring. Inputs
 * are seeded Gaussians; nothing is allocated in a benchmark method. Run one with
 * {@code java -jar benchmarks/target/benchmarks.jar MatmulBenchmark.matmulBias -p m=128 -p layer=3072x100}
 * ({@code -p hidden=400} for a wider network).
 */
@State(Scope.Benchmark)
public class MatmulBenchmark extends BenchmarkBase {
    @Param({"naive", "blocked", "simd"})
    public String backend;

    @Param({"32", "128", "512"})
    public int m;

    @Param({"3072x100", "100x10"})
    public String layer;

    /** The hidden width: replaces the layer's 100 (3072x100 becomes 3072xH, 100x10 becomes Hx10). */
    @Param({"100"})
    public int hidden;

    /** Threads through {@link ParallelKernels} (rows split, no reduction across threads); 1 = the backend alone. */
    @Param({"1"})
    public int threads;

    private Kernels kernels;
    private int k;
    private int n;
    private float[] x;    // m x k
    private float[] w;    // (k+1) x n
    private float[] g;    // m x n
    private float[] out;  // m x n
    private float[] dw;   // (k+1) x n
    private float[] gx;   // m x k

    @Setup
    public void setup() {
        Layer shape = Layer.parse(layer).withHidden(hidden);
        k = shape.k;
        n = shape.n;
        Random random = new Random(42);
        x = Layer.gaussian(random, m * k);
        w = Layer.gaussian(random, (k + 1) * n);
        g = Layer.gaussian(random, m * n);
        out = new float[m * n];
        dw = new float[(k + 1) * n];
        gx = new float[m * k];
        kernels = threads == 1 ? Layer.create(backend) : new ParallelKernels(Layer.create(backend), threads);

        float[] expected = new float[m * n];
        float[] sums = new float[m * n];
        Layer.NAIVE.matmulBias(x, w, expected, m, k, n);
        Layer.NAIVE.matmulBias(Layer.abs(x), Layer.abs(w), sums, m, k, n);
        kernels.matmulBias(x, w, out, m, k, n);
        Layer.check(backend + " matmulBias", expected, out, sums, m * n);

        expected = new float[(k + 1) * n];
        sums = new float[(k + 1) * n];
        Layer.NAIVE.matmulGradW(x, g, expected, m, k, n);
        Layer.NAIVE.matmulGradW(Layer.abs(x), Layer.abs(g), sums, m, k, n);
        kernels.matmulGradW(x, g, dw, m, k, n);
        Layer.check(backend + " matmulGradW", expected, dw, sums, (k + 1) * n);

        expected = new float[m * k];
        sums = new float[m * k];
        Layer.NAIVE.matmulGradX(g, w, expected, m, k, n);
        Layer.NAIVE.matmulGradX(Layer.abs(g), Layer.abs(w), sums, m, k, n);
        kernels.matmulGradX(g, w, gx, m, k, n);
        Layer.check(backend + " matmulGradX", expected, gx, sums, m * k);
    }

    @TearDown
    public void close() {
        if (kernels instanceof ParallelKernels) {
            ((ParallelKernels) kernels).close();
        }
    }

    @Benchmark
    public float[] matmulBias() {
        kernels.matmulBias(x, w, out, m, k, n);
        return out;
    }

    @Benchmark
    public float[] matmulGradW() {
        kernels.matmulGradW(x, g, dw, m, k, n);
        return dw;
    }

    @Benchmark
    public float[] matmulGradX() {
        kernels.matmulGradX(g, w, gx, m, k, n);
        return gx;
    }
}
