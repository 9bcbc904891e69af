package tp2.bench;

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
import tp2.kernels.ParallelKernels;
import tp2.trainer.TrainConfig;

/**
 * One training pass of TP2 exactly as {@code ./tp2 train} runs it: 50,000 images in 391 steps of
 * batch 128 (the last partial), each gather + forward + loss + backward + update, per backend and
 * thread count. Seconds per epoch; images/s is 50,000 divided by that. Test evaluation, metrics
 * and checkpoints are left out. The images are synthetic bytes of the real shape unless TP2_DATA
 * names the real set (the work does not depend on the values). The weights are re-initialised
 * before each iteration. naive takes about a minute an epoch. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar EpochBenchmark -p backend=simd} (add {@code -p lr=1e-2}
 * for a run whose hidden units saturate).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.IGNORE_UNKNOWN, Jvm.NATIVE_ACCESS, Jvm.UNSAFE, Jvm.HEAP, Jvm.NO_OOB_CHECK})
public class EpochBenchmark {
    @Param({"naive", "blocked", "simd"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    @Param({"128"})
    public int batch;

    /** The learning rate: with 1e-2 and up many hidden units saturate, which is another workload (README, "Saturated units"). */
    @Param({"1e-3"})
    public float lr;

    private ParallelKernels kernels;
    private TrainingPass pass;
    private int epoch;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        pass = new TrainingPass(TrainingPass.trainingSet(TrainingPass.dataLocation(null)), batch);
        kernels = new ParallelKernels(Layer.create(backend), threads);
    }

    @Setup(Level.Iteration)
    public void freshWeights() {
        pass.freshWeights();
    }

    @TearDown(Level.Trial)
    public void close() {
        kernels.close();
    }

    @Benchmark
    public double epoch() {
        return pass.run(kernels, epoch++, lr, TrainConfig.DEFAULT_REG);
    }
}
