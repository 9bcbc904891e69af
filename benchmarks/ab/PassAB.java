import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Training passes of two or more builds in one JVM, alternated: the first way to see a change of a
 * few percent on machines whose speed changes by phases of seconds (docs/performance.md, "How to
 * measure"). Each argument is a build's {@code trainer/target/tp2.jar}, loaded in its own class
 * loader; each round trains one pass with each build (the order reversed every other round), from
 * the trainer's initial weights (seed 0), simd backend, on the real training set. Prints each
 * build's median pass and the median of its per-round time over the first build's.
 * <pre>
 * git worktree add /tmp/old REV &amp;&amp; (cd /tmp/old &amp;&amp; ./mvnw -q package -DskipTests -pl trainer -am)
 * java --add-modules jdk.incubator.vector -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 -Xmx2g \
 *     [-Dthreads=2] [-Drounds=10] [-Dhidden=100] [-Dbatch=128] [-Dbackend=simd] \
 *     benchmarks/ab/PassAB.java DATA_DIR /tmp/old/trainer/target/tp2.jar trainer/target/tp2.jar
 * </pre>
 * Under {@code JAVA_TOOL_OPTIONS=-XX:UseAVX=2} (or {@code -XX:MaxVectorSize=16}) it compares the
 * builds on that vector shape. Run both orders of the jars: the first loaded can be favoured.
 */
public class PassAB {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: PassAB DATA_DIR A.jar B.jar [more jars]");
            System.exit(2);
        }
        int threads = Integer.getInteger("threads", 1);
        int rounds = Integer.getInteger("rounds", 10);
        int hidden = Integer.getInteger("hidden", 100);
        int batch = Integer.getInteger("batch", 128);
        Path data = Path.of(args[0]);
        int builds = args.length - 1;
        Build[] build = new Build[builds];
        byte[][] set = null;
        for (int v = 0; v < builds; v++) {
            build[v] = new Build(Path.of(args[v + 1]), data, set, threads, hidden, batch);
            set = build[v].set;
        }
        for (int round = -2; round < rounds; round++) {   // two rounds of warm-up
            for (int i = 0; i < builds; i++) {
                int v = (round & 1) == 0 ? i : builds - 1 - i;
                build[v].pass(round + 2, round >= 0 ? round : -1);
            }
        }
        for (int v = 0; v < builds; v++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = build[v].seconds[r] / build[0].seconds[r];
            }
            System.out.printf("%s: median %.3f s a pass (%.3f-%.3f); time / the first's, median of rounds %.3f (%.3f-%.3f)%n",
                    args[v + 1], median(build[v].seconds), min(build[v].seconds), max(build[v].seconds),
                    median(ratio), min(ratio), max(ratio));
        }
        System.exit(0);   // the builds' worker pools
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
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, PassAB.class.getClassLoader().getParent());
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
