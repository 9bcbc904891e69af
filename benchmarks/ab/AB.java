import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Two or more builds alternated in one JVM: the first way to see a change of a few percent on
 * machines whose speed changes by phases of seconds (docs/performance.md, "How to measure"). Each
 * build's jar is loaded in its own class loader; each round runs every build once, the order
 * reversed every other round; prints each build's median and the median of its per-round time over
 * the first build's. Run both orders of the jars: the first loaded can be favoured.
 * <ul>
 * <li>{@code pass DATA_DIR A.jar B.jar ...}: training passes of builds' {@code trainer/target/tp2.jar},
 *   from the trainer's initial weights (seed 0) on the real training set;
 *   {@code -Dthreads=1 -Drounds=10 -Dhidden=100 -Dbatch=128 -Dbackend=simd}.
 * <li>{@code kernels A.jar B.jar}: the simd forward and weight-gradient matmuls of builds'
 *   {@code kernels/target/tp2-kernels-*.jar}; {@code -Dm=128 -Dk=3072 -Dn=100 -Drounds=15 -Dcalls=100}.
 * </ul>
 * <pre>
 * git worktree add /tmp/old REV &amp;&amp; (cd /tmp/old &amp;&amp; ./mvnw -q package -DskipTests -pl trainer -am)
 * java --add-modules jdk.incubator.vector -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 -Xmx2g \
 *     benchmarks/ab/AB.java pass DATA_DIR /tmp/old/trainer/target/tp2.jar trainer/target/tp2.jar
 * </pre>
 * Under {@code JAVA_TOOL_OPTIONS=-XX:UseAVX=2} (or {@code -XX:MaxVectorSize=16}) it compares the
 * builds on that vector shape.
 */
public class AB {
    public static void main(String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("pass")) {
            passes(Path.of(args[1]), Arrays.copyOfRange(args, 2, args.length));
        } else if (args.length == 3 && args[0].equals("kernels")) {
            kernels(args[1], args[2]);
        } else {
            System.err.println("usage: AB pass DATA_DIR A.jar B.jar [more jars] | AB kernels A.jar B.jar");
            System.exit(2);
        }
        System.exit(0);   // the builds' worker pools
    }

    /** Per-round times of each build, [build][round]: its median, and the median of its ratio to build 0. */
    static void print(String[] names, double[][] time, String unit) {
        for (int v = 0; v < names.length; v++) {
            double[] ratio = new double[time[v].length];
            for (int r = 0; r < ratio.length; r++) {
                ratio[r] = time[v][r] / time[0][r];
            }
            System.out.printf("%s: median %.3f %s (%.3f-%.3f); time / the first's, median of rounds %.3f (%.3f-%.3f)%n",
                    names[v], median(time[v]), unit, min(time[v]), max(time[v]), median(ratio), min(ratio), max(ratio));
        }
    }

    /** Training passes of each build, alternated. */
    static void passes(Path data, String[] jars) throws Exception {
        int threads = Integer.getInteger("threads", 1);
        int rounds = Integer.getInteger("rounds", 10);
        int hidden = Integer.getInteger("hidden", 100);
        int batch = Integer.getInteger("batch", 128);
        int builds = jars.length;
        Build[] build = new Build[builds];
        byte[][] set = null;
        for (int v = 0; v < builds; v++) {
            build[v] = new Build(Path.of(jars[v]), data, set, threads, hidden, batch);
            set = build[v].set;
        }
        for (int round = -2; round < rounds; round++) {   // two rounds of warm-up
            for (int i = 0; i < builds; i++) {
                int v = (round & 1) == 0 ? i : builds - 1 - i;
                build[v].pass(round + 2, round >= 0 ? round : -1);
            }
        }
        double[][] seconds = new double[builds][];
        for (int v = 0; v < builds; v++) {
            seconds[v] = build[v].seconds;
        }
        print(jars, seconds, "s a pass");
    }

    /** One build: its classes, its network and its training pass, reached by reflection. */
    private static final class Build {
        final byte[][] set;   // pixels and labels of the training set, shared by every build
        final Object pass;
        final Object totals;
        final Object progress;
        final Method run;
        final double[] seconds = new double[Integer.getInteger("rounds", 10)];

        Build(Path jar, Path data, byte[][] shared, int threads, int hidden, int batch) throws Exception {
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, AB.class.getClassLoader().getParent());
            Class<?> images = Class.forName("tp2.data.Images", true, loader);
            if (shared == null) {
                Object reader = Class.forName("tp2.data.Cifar10Reader", true, loader).getConstructor().newInstance();
                Object all = reader.getClass().getMethod("read", Path.class).invoke(reader, data);
                Object train = all.getClass().getMethod("train").invoke(all);
                shared = new byte[][] {(byte[]) images.getMethod("pixels").invoke(train), (byte[]) images.getMethod("labels").invoke(train)};
            }
            set = shared;
            Object train = images.getConstructor(byte[].class, byte[].class).newInstance(set[0], set[1]);
            Class<?> backends = Class.forName("tp2.kernels.Backend", true, loader);
            Object backend = backends.getMethod("fromName", String.class).invoke(null, System.getProperty("backend", "simd"));
            Object kernels = backends.getMethod("create").invoke(backend);
            Class<?> kernelsType = Class.forName("tp2.kernels.Kernels", true, loader);
            Class<?> parallel = Class.forName("tp2.kernels.ParallelKernels", true, loader);
            Object pool = parallel.getConstructor(kernelsType, int.class).newInstance(kernels, threads);
            Class<?> config = Class.forName("tp2.trainer.TrainConfig", true, loader);
            Class<?> network = Class.forName("tp2.trainer.Network", true, loader);
            Object net = network.getConstructor(int.class, int.class, int.class, int.class).newInstance(3072, hidden, 10, batch);
            network.getMethod("initialize", Random.class, double.class, double.class)
                    .invoke(net, new Random(0), config.getField("W1_STD").get(null), config.getField("W2_STD").get(null));
            float[] mean = (float[]) Class.forName("tp2.trainer.Batches", true, loader).getMethod("pixelMean", images).invoke(null, train);
            Class<?> passType = Class.forName("tp2.trainer.TrainingPass", true, loader);
            pass = passType.getConstructor(images, float[].class, network, parallel, int.class, float.class, float.class, long.class,
                    boolean.class).newInstance(train, mean, net, pool, batch, config.getField("DEFAULT_LR").get(null),
                    config.getField("DEFAULT_REG").get(null), 0L, true);
            Class<?> totalsType = Class.forName("tp2.trainer.TrainingPass$Totals", true, loader);
            totals = totalsType.getConstructor().newInstance();
            Class<?> progressType = Class.forName("tp2.trainer.Trainer$Progress", true, loader);
            progress = progressType.getField("NONE").get(null);
            run = passType.getMethod("run", int.class, totalsType, progressType);
        }

        /** One pass in the order of {@code epoch}; its time kept at {@code slot} unless negative (warm-up). */
        void pass(int epoch, int slot) throws Exception {
            long start = System.nanoTime();
            run.invoke(pass, epoch, totals, progress);
            if (slot >= 0) {
                seconds[slot] = (System.nanoTime() - start) / 1e9;
            }
        }
    }

    /** The simd forward and weight-gradient matmuls of two builds, alternated. */
    static void kernels(String... jars) throws Exception {
        int m = Integer.getInteger("m", 128), k = Integer.getInteger("k", 3072), n = Integer.getInteger("n", 100);
        int rounds = Integer.getInteger("rounds", 15), calls = Integer.getInteger("calls", 100);
        Object[] kernels = new Object[2];
        Method[] forward = new Method[2], gradient = new Method[2];
        for (int v = 0; v < 2; v++) {
            ClassLoader loader = new URLClassLoader(new URL[] {Path.of(jars[v]).toUri().toURL()}, AB.class.getClassLoader().getParent());
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
            System.out.printf("m=%d k=%d n=%d %s: %.1f and %.1f GFLOP/s%n", m, k, n, kernel == 0 ? "forward" : "weight gradient",
                    flops / median(time[2 * kernel]), flops / median(time[2 * kernel + 1]));
            print(jars, new double[][] {time[2 * kernel], time[2 * kernel + 1]}, "us a call");
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
