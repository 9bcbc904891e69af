package tp2.bench;

import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A reference row, not a backend: the same two large matmuls through OpenBLAS's cblas_sgemm (from
 * Maven Central, org.bytedeco:openblas, native code), on off-heap buffers so no copy through JNI
 * is timed. forward: x . w[1:] (m x k by k x n; the bias row, one add per output, is left out);
 * gradW: x^T . g (k x m by m x n; the bias row's column sums left out). Same shapes, same
 * 2 m k n flops, so the report can put each backend beside a tuned native BLAS. {@code threads}
 * sets OpenBLAS's own thread count. Setup checks the product against naive. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar OpenBlasBenchmark -p m=128}.
 */
@State(Scope.Benchmark)
public class OpenBlasBenchmark extends BenchmarkBase {
    @Param({"32", "128", "512"})
    public int m;

    @Param({"3072x100", "100x10"})
    public String layer;

    @Param({"1"})
    public int threads;

    private int k;
    private int n;
    private FloatPointer x;    // m x k
    private FloatPointer w;    // k x n (w[1:])
    private FloatPointer g;    // m x n
    private FloatPointer out;  // m x n
    private FloatPointer dw;   // k x n

    @Setup
    public void setup() {
        Layer shape = Layer.parse(layer);
        k = shape.k;
        n = shape.n;
        openblas_nolapack.blas_set_num_threads(threads);
        Random random = new Random(42);
        float[] xs = Layer.gaussian(random, m * k);
        float[] ws = Layer.gaussian(random, (k + 1) * n);
        float[] gs = Layer.gaussian(random, m * n);
        java.util.Arrays.fill(ws, 0, n, 0f);   // a zero bias row: naive's product is then comparable
        x = new FloatPointer(xs);
        w = new FloatPointer(java.util.Arrays.copyOfRange(ws, n, ws.length));
        g = new FloatPointer(gs);
        out = new FloatPointer((long) m * n);
        dw = new FloatPointer((long) k * n);

        forward();
        float[] got = new float[m * n];
        out.get(got);
        float[] expected = new float[m * n];
        float[] sums = new float[m * n];
        Layer.NAIVE.matmulBias(xs, ws, expected, m, k, n);
        Layer.NAIVE.matmulBias(Layer.abs(xs), Layer.abs(ws), sums, m, k, n);
        Layer.check("OpenBLAS forward", expected, got, sums, m * n);

        gradW();
        float[] gotW = new float[k * n];
        dw.get(gotW);
        float[] expectedW = new float[(k + 1) * n];
        float[] sumsW = new float[(k + 1) * n];
        Layer.NAIVE.matmulGradW(xs, gs, expectedW, m, k, n);
        Layer.NAIVE.matmulGradW(Layer.abs(xs), Layer.abs(gs), sumsW, m, k, n);
        Layer.check("OpenBLAS gradW", java.util.Arrays.copyOfRange(expectedW, n, expectedW.length), gotW,
                java.util.Arrays.copyOfRange(sumsW, n, sumsW.length), k * n);
    }

    @TearDown
    public void release() {
        for (FloatPointer p : new FloatPointer[] {x, w, g, out, dw}) {
            p.close();
        }
    }

    @Benchmark
    public FloatPointer forward() {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans, m, n, k, 1f, x, k, w, n, 0f, out, n);
        return out;
    }

    @Benchmark
    public FloatPointer gradW() {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
                openblas_nolapack.CblasNoTrans, k, n, m, 1f, x, k, g, n, 0f, dw, n);
        return dw;
    }
}
