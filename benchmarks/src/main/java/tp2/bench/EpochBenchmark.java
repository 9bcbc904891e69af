package tp2.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
import tp2.trainer.Trainer;
import tp2.trainer.TrainingPass;

/**
 * One training pass of TP2 through the trainer's own loop ({@link TrainingPass}, as
 * {@code ./tp2 train} runs it): 50,000 images in 391 steps of batch 128 (the last partial), per
 * backend and thread count. Seconds per pass; images/s is 50,000 divided by that. The test
 * evaluation, metrics and checkpoints of an epoch are left out. The images are synthetic bytes of
 * the real shape unless TP2_DATA names the real set (the work does not depend on the values). The
 * weights are re-initialised before each iteration. naive takes about a minute a pass. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar EpochBenchmark -p backend=simd} (add {@code -p lr=1e-2}
 * for a run whose hidden units saturate, {@code -p hidden=400} for a wider network).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class EpochBenchmark extends BenchmarkBase {
    @Param({"naive", "blocked", "simd"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    @Param({"128"})
    public int batch;

    @Param({"100"})
    public int hidden;

    /** The learning rate: with 1e-2 and up many hidden units saturate, which is another workload (docs/performance.md). */
    @Param({"1e-3"})
    public float lr;

    private ParallelKernels kernels;
    private TrainingPass pass;
    private final TrainingPass.Totals totals = new TrainingPass.Totals();
    private int epoch;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        kernels = new ParallelKernels(Layer.create(backend), threads);
        pass = Workload.pass(Workload.trainingSet(Workload.dataLocation(null)), kernels, batch, hidden, lr);
    }

    @Setup(Level.Iteration)
    public void freshWeights() {
        Workload.freshWeights(pass.network());
    }

    @TearDown(Level.Trial)
    public void close() {
        kernels.close();
    }

    @Benchmark
    public double epoch() throws Exception {
        pass.run(epoch++, totals, Trainer.Progress.NONE);
        return totals.lossSum;
    }
}
