import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The simd forward and weight-gradient matmuls of two builds in one JVM, alternated by rounds, for
 * changes to the kernels too small to see across processes (docs/performance.md, "How to
 * measure"). Each argument is a build's {@code kernels/target/tp2-kernels-*.jar}. Prints GFLOP/s
 * and the median of the per-round time ratio first / second.
 * <pre>
 * git worktree add /tmp/old REV &amp;&amp; (cd /tmp/old &amp;&amp; ./mvnw -q package -DskipTests -pl kernels)
 * java --add-modules jdk.incubator.vector -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 \
 *     [-Dm=128] [-Dk=3072] [-Dn=100] [-Drounds=15] [-Dcalls=100] \
 *     benchmarks/ab/KernelAB.java /tmp/old/kernels/target/tp2-kernels-0.1.0-SNAPSHOT.jar \
 *     kernels/target/tp2-kernels-0.1.0-SNAPSHOT.jar
 * </pre>
 */
public class KernelAB {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KernelAB A.jar B.jar");
            System.exit(2);
        }
        int m = Integer.getInteger("m", 128), k = Integer.getInteger("k", 3072), n = Integer.getInteger("n", 100);
        int rounds = Integer.getInteger("rounds", 15), calls = Integer.getInteger("calls", 100);
        Object[] kernels = new Object[2];
        Method[] forward = new Method[2], gradient = new Method[2];
        for (int v = 0; v < 2; v++) {
            ClassLoader loader = new URLClassLoader(new URL[] {Path.of(args[v]).toUri().toURL()}, KernelAB.class.getClassLoader().getParent());
            kernels[v] = Class.forName("tp2.kernels.SimdKernels", true, loader).getConstructor().newInstance();
            Class<?> type = Class.forName("tp2.kernels.Kernels", true, loader);
            forward[v] = type.getMethod("matmulBias", float[].class, float[].class, float[].class, int.class, int.class, int.class);
            gradient[v] = type.getMethod("matmulGradW", float[].class, float[].class, float[].class, int.class, int.class, int.class);
        }
        Random random = new Random(1);
        float[] x = gaussian(random, m * k), w = gaussian(random, (k + 1) * n), g = gaussian(random, m * n);
        float[] out = new float[m * n], dw = new float[(k + 1) * n];
        double[][] time = new double[4][rounds];   // forward A, forward B, gradient A, gradient B: us a call
        for (int round = -4; round < rounds; round++) {   // four rounds of warm-up
            for (int i = 0; i < 2; i++) {
                int v = (round & 1) == 0 ? i : 1 - i;
                long t0 = System.nanoTime();
                for (int c = 0; c < calls; c++) {
                    forward[v].invoke(kernels[v], x, w, out, m, k, n);
                }
                long t1 = System.nanoTime();
                for (int c = 0; c < calls; c++) {
                    gradient[v].invoke(kernels[v], x, g, dw, m, k, n);
                }
                long t2 = System.nanoTime();
                if (round >= 0) {
                    time[v][round] = (t1 - t0) / 1e3 / calls;
                    time[2 + v][round] = (t2 - t1) / 1e3 / calls;
                }
            }
        }
        double flops = 2.0 * m * k * n / 1e3;   // per us: GFLOP/s
        for (int kernel = 0; kernel < 2; kernel++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = time[2 * kernel][r] / time[2 * kernel + 1][r];
            }
            System.out.printf("m=%d k=%d n=%d %s: A %.1f GFLOP/s, B %.1f; time A / B, median of rounds %.3f (%.3f-%.3f)%n",
                    m, k, n, kernel == 0 ? "forward" : "weight gradient", flops / median(time[2 * kernel]),
                    flops / median(time[2 * kernel + 1]), median(ratio), min(ratio), max(ratio));
        }
    }

    static float[] gaussian(Random random, int count) {
        float[] a = new float[count];
        for (int i = 0; i < count; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    static double median(double[] a) {
        double[] b = a.clone();
        Arrays.sort(b);
        return (b[(b.length - 1) / 2] + b[b.length / 2]) / 2;
    }

    static double min(double[] a) {
        return Arrays.stream(a).min().getAsDouble();
    }

    static double max(double[] a) {
        return Arrays.stream(a).max().getAsDouble();
    }
}
