package tp2.bench;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tp2.data.Cifar10Reader;
import tp2.data.DataLocation;
import tp2.data.Images;
import tp2.kernels.ParallelKernels;
import tp2.trainer.Batches;
import tp2.trainer.Network;
import tp2.trainer.TrainConfig;

/**
 * One training pass of TP2 exactly as {@code ./tp2 train} runs it: 50,000 images in 391 steps of
 * batch 128 (the last partial), each gather + forward + loss + backward + update, per backend and
 * thread count. Seconds per epoch; images/s is 50,000 divided by that. Test evaluation, metrics
 * and checkpoints are left out. The images are synthetic bytes of the real shape unless TP2_DATA
 * names the real set (the work does not depend on the values). The weights are re-initialised
 * before each iteration. naive takes about a minute an epoch. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar EpochBenchmark -p backend=simd}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.IGNORE_UNKNOWN, Jvm.NATIVE_ACCESS, Jvm.UNSAFE, Jvm.HEAP, Jvm.NO_OOB_CHECK})
public class EpochBenchmark {
    static final int IMAGES = 50_000;

    @Param({"naive", "blocked", "simd"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    @Param({"128"})
    public int batch;

    private Images train;
    private float[] mean;
    private ParallelKernels kernels;
    private Network network;
    private float[] x;
    private int[] labels;
    private int[] order;
    private final Network.StepResult step = new Network.StepResult();
    private int epoch;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        train = trainingSet(dataLocation(null));
        mean = Batches.pixelMean(train);
        kernels = new ParallelKernels(Layer.create(backend), threads);
        network = new Network(Images.PIXELS, TrainConfig.HIDDEN, 10, batch);
        x = new float[batch * Images.PIXELS];
        labels = new int[batch];
        order = new int[train.count()];
    }

    /** {@code data} when given, else TP2_DATA when set, else null (synthetic images). */
    static Path dataLocation(Path data) {
        String real = System.getenv(DataLocation.ENV);
        return data != null ? data : real != null && !real.isBlank() ? Path.of(real) : null;
    }

    /**
     * The training set at {@code location}, or when it is null 50,000 synthetic images (random
     * bytes and labels: the work does not depend on the values).
     */
    static Images trainingSet(Path location) throws Exception {
        if (location != null) {
            return new Cifar10Reader().read(location).train();
        }
        Random random = new Random(1);
        byte[] pixels = new byte[IMAGES * Images.PIXELS];
        random.nextBytes(pixels);
        byte[] labelBytes = new byte[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            labelBytes[i] = (byte) random.nextInt(10);
        }
        return new Images(pixels, labelBytes);
    }

    @Setup(Level.Iteration)
    public void freshWeights() {
        network.initialize(new Random(0), TrainConfig.W1_STD, TrainConfig.W2_STD);
    }

    @TearDown(Level.Trial)
    public void close() {
        kernels.close();
    }

    @Benchmark
    public double epoch() {
        Batches.shuffle(order, 0, epoch++);
        double lossSum = 0;
        for (int first = 0; first < train.count(); first += batch) {
            int m = Math.min(batch, train.count() - first);
            Batches.gather(kernels, train, order, first, m, mean, x, labels);
            network.step(kernels, x, labels, m, TrainConfig.DEFAULT_LR, TrainConfig.DEFAULT_REG, step);
            lossSum += step.loss;
        }
        return lossSum;
    }
}
