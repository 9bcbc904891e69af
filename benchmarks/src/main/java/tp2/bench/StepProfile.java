package tp2.bench;

import java.nio.charset.StandardCharsets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tp2.kernels.Backend;
import tp2.kernels.ParallelKernels;
import tp2.kernels.Simd;
import tp2.trainer.TrainConfig;

/**
 * {@code ./tp2 profile}: where the time of a training step goes. Runs training passes exactly as
 * {@code ./tp2 train} does ({@link TrainingPass}: gather, forward, loss, backward, update),
 * with every kernel call timed by {@link TimedKernels}, and prints per kernel and shape the
 * microseconds per step, median over the epochs after the first (the JIT's warm-up).
 */
@Command(name = "tp2 profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time each kernel of a training step over a few training passes (one JVM, no JMH).",
            "Uses the real training set from --data or TP2_DATA, else synthetic bytes of the same shape."})
public final class StepProfile implements Callable<Integer> {
    @Option(names = "--backend", paramLabel = "NAME", description = "naive, blocked or simd (default: simd)")
    String backend = "simd";

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: 1)")
    int threads = 1;

    @Option(names = "--epochs", paramLabel = "N", description = "Training passes, the first not counted (default: 4)")
    int epochs = 4;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate, as in train (default: 1e-3)")
    float lr = TrainConfig.DEFAULT_LR;

    @Option(names = "--reg", paramLabel = "L2", description = "L2 regularisation, as in train (default: 1e-4)")
    float reg = TrainConfig.DEFAULT_REG;

    @Option(names = "--data", paramLabel = "DIR", description = "CIFAR-10 folder (default: TP2_DATA, else synthetic)")
    Path data;

    static final int BATCH = 128;

    public static void main(String[] args) {
        System.exit(BenchMain.execute(new StepProfile(), "tp2 profile", args));
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || epochs < 2) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--threads must be >= 1 and --epochs >= 2");
        }
        Backend chosen = Backend.fromName(backend);
        Path location = TrainingPass.dataLocation(data);
        TrainingPass pass = new TrainingPass(TrainingPass.trainingSet(location), BATCH);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        out.printf(Locale.ROOT, "tp2 profile: backend %s, %d thread%s, %s, %s%n", chosen.cliName(), threads,
                threads == 1 ? "" : "s", Simd.describe(),
                location != null ? pass.train.count() + " CIFAR-10 images" : "synthetic images");
        try (ParallelKernels parallel = new ParallelKernels(chosen.create(), threads)) {
            TimedKernels kernels = new TimedKernels(parallel);
            List<long[]> perEpoch = new ArrayList<>();   // nanos per slot, then the epoch's wall time last
            for (int epoch = 0; epoch < epochs; epoch++) {
                kernels.reset();
                long start = System.nanoTime();
                pass.run(kernels, epoch, lr, reg);
                long wall = System.nanoTime() - start;
                List<TimedKernels.Slot> slots = kernels.slots();
                long[] row = new long[slots.size() + 1];
                for (int i = 0; i < slots.size(); i++) {
                    row[i] = slots.get(i).nanos;
                }
                row[slots.size()] = wall;
                perEpoch.add(row);
                out.printf(Locale.ROOT, "epoch %d: %.3f s%s%n", epoch + 1, wall / 1e9, epoch == 0 ? " (JIT warm-up, not counted)" : "");
            }
            print(out, kernels.slots(), perEpoch.subList(1, perEpoch.size()), pass.steps());
        }
        return 0;
    }

    private static void print(PrintWriter out, List<TimedKernels.Slot> slots, List<long[]> epochs, int steps) {
        int n = slots.size();
        double[] median = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            double[] v = new double[epochs.size()];
            for (int e = 0; e < v.length; e++) {
                v[e] = epochs.get(e)[i] / 1e3 / steps;   // us per step
            }
            Arrays.sort(v);
            median[i] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        Integer[] rank = new Integer[n];
        for (int i = 0; i < n; i++) {
            rank[i] = i;
        }
        Arrays.sort(rank, Comparator.comparingDouble(i -> -median[i]));
        double step = median[n];
        out.println();
        out.printf(Locale.ROOT, "Median of epochs 2-%d, per step of batch %d (%d steps an epoch):%n%n", epochs.size() + 1,
                BATCH, steps);
        out.println("| kernel | shape | us per step | share of the step |");
        out.println("| --- | --- | --- | --- |");
        double inKernels = 0;
        int hidden = 0;
        for (int i : rank) {
            inKernels += median[i];
            if (median[i] < 0.05) {   // the last, partial batch's calls: a fraction of a step's worth
                hidden++;
                continue;
            }
            out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f%% |%n", slots.get(i).kernel, slots.get(i).shape, median[i],
                    100 * median[i] / step);
        }
        out.printf(Locale.ROOT, "| (outside the kernels) | | %.1f | %.1f%% |%n", step - inKernels, 100 * (step - inKernels) / step);
        out.printf(Locale.ROOT, "| **step** | | **%.1f** | %.2f s an epoch |%n", step, step * steps / 1e6);
        if (hidden > 0) {
            out.printf(Locale.ROOT, "%n(%d calls below 0.05 us a step, those of the last, partial batch, are counted but not listed.)%n", hidden);
        }
    }
}
