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
import tp2.data.Images;
import tp2.trainer.TrainConfig;
import tp2.trainer.Trainer;
import tp2.trainer.TrainingPass;

/**
 * {@code ./tp2 profile}: where the time of a training step goes. Runs training passes through the
 * trainer's own loop ({@link TrainingPass}, the code {@code ./tp2 train} runs), and prints, per step
 * (median over the passes after the first, the JIT's warm-up): the wall time of the step's two
 * parallel parts and of the calling thread's whole-batch work, and each kernel's thread-time (its
 * time summed over the threads that ran it), measured by {@link TimedKernels} around the backend.
 */
@Command(name = "tp2 profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time the parts and kernels of a training step over a few training passes (one JVM, no JMH).",
            "Uses the real training set from --data or TP2_DATA, else synthetic bytes of the same shape."})
public final class StepProfile implements Callable<Integer> {
    @Option(names = "--backend", paramLabel = "NAME", description = "naive, blocked or simd (default: simd)")
    String backend = "simd";

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores, as train)")
    Integer threads;

    @Option(names = "--epochs", paramLabel = "N", description = "Training passes, the first not counted (default: 4)")
    int epochs = 4;

    @Option(names = "--batch-size", paramLabel = "B", description = "Images per step, as in train (default: 128)")
    int batch = 128;

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden units, as in train (default: 100)")
    int hidden = TrainConfig.HIDDEN;

    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate, as in train (default: 1e-3)")
    float lr = TrainConfig.DEFAULT_LR;

    @Option(names = "--data", paramLabel = "DIR", description = "CIFAR-10 folder (default: TP2_DATA, else synthetic)")
    Path data;

    public static void main(String[] args) {
        System.exit(BenchMain.execute(new StepProfile(), "tp2 profile", args));
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cli = new CommandLine(this);
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1 || threadCount > tp2.trainer.SystemInfo.cores()) {
            throw new CommandLine.ParameterException(cli, tp2.trainer.SystemInfo.threadsProblem(threadCount));
        }
        if (epochs < 2 || batch < 1 || batch > TrainConfig.MAX_BATCH || hidden < 1 || hidden > TrainConfig.MAX_HIDDEN) {
            throw new CommandLine.ParameterException(cli, "--epochs must be at least 2, --batch-size between 1 and "
                    + TrainConfig.MAX_BATCH + " and --hidden between 1 and " + TrainConfig.MAX_HIDDEN);
        }
        Backend chosen;
        try {
            chosen = Backend.fromName(backend);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--backend " + e.getMessage());
        }
        Path location = Workload.dataLocation(data);
        Images train = Workload.trainingSet(location);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        out.printf(Locale.ROOT, "tp2 profile: backend %s, %d thread%s, %s, %s, batch %d, hidden %d%n", chosen.cliName(),
                threadCount, threadCount == 1 ? "" : "s", Simd.describe(),
                location != null ? train.count() + " CIFAR-10 images" : "synthetic images", batch, hidden);
        TimedKernels timed = new TimedKernels(chosen.create());
        try (ParallelKernels kernels = new ParallelKernels(timed, threadCount)) {
            TrainingPass pass = Workload.pass(train, kernels, batch, hidden, lr);
            TrainingPass.Totals totals = new TrainingPass.Totals();
            long[] phases = pass.network().phaseNanos();
            List<long[]> perEpoch = new ArrayList<>();   // nanos per kernel slot, then the 3 phases, then the pass
            List<TimedKernels.Slot> slots = List.of();
            for (int epoch = 0; epoch < epochs; epoch++) {
                timed.reset();
                Arrays.fill(phases, 0);
                long start = System.nanoTime();
                pass.run(epoch, totals, Trainer.Progress.NONE);
                long wall = System.nanoTime() - start;
                slots = timed.slots();
                long[] row = new long[slots.size() + phases.length + 1];
                for (int i = 0; i < slots.size(); i++) {
                    row[i] = slots.get(i).nanos;
                }
                System.arraycopy(phases, 0, row, slots.size(), phases.length);
                row[row.length - 1] = wall;
                perEpoch.add(row);
                out.printf(Locale.ROOT, "epoch %d: %.3f s%s%n", epoch + 1, wall / 1e9, epoch == 0 ? " (JIT warm-up, not counted)" : "");
            }
            print(out, slots, perEpoch.subList(1, perEpoch.size()), pass.steps(), threadCount);
            if (kernels.soloCalls() > 0) {
                out.printf(Locale.ROOT, "%n%,d parallel calls ran on one thread: the others kept stalling (a busy machine).%n",
                        kernels.soloCalls());
            }
        }
        return 0;
    }

    private static double median(List<long[]> epochs, int column, int steps) {
        double[] v = new double[epochs.size()];
        for (int e = 0; e < v.length; e++) {
            v[e] = column < epochs.get(e).length ? epochs.get(e)[column] / 1e3 / steps : 0;   // us per step
        }
        return Stats.median(v);
    }

    private static void print(PrintWriter out, List<TimedKernels.Slot> slots, List<long[]> epochs, int steps, int threads) {
        int n = slots.size();
        double step = median(epochs, n + 4, steps);
        String[] parts = {"forward slices: gather X_s, P_s = [1|X_s] W1_s", "batch rows: S1, S2, G2, G1",
            "gradient slices: dW1_s, the W1 update", "  of which the caller's loss, count, dW2, W2 update alongside"};
        out.println();
        out.printf(Locale.ROOT, "Median of passes 2-%d, per step (%d steps a pass): wall time of the step's parts%n%n",
                epochs.size() + 1, steps);
        out.println("| part | us per step | share of the step |");
        out.println("| --- | --- | --- |");
        double inParts = 0;
        for (int i = 0; i < parts.length; i++) {
            double us = median(epochs, n + i, steps);
            inParts += i < 3 ? us : 0;
            out.printf(Locale.ROOT, "| %s | %.1f | %.1f%% |%n", parts[i], us, 100 * us / step);
        }
        out.printf(Locale.ROOT, "| outside the parts: shuffle, labels, the loop | %.1f | %.1f%% |%n", step - inParts,
                100 * (step - inParts) / step);
        out.printf(Locale.ROOT, "| **step** | **%.1f** | %.3f s a pass |%n", step, step * steps / 1e6);

        double[] median = new double[n];
        Integer[] rank = new Integer[n];
        for (int i = 0; i < n; i++) {
            median[i] = median(epochs, i, steps);
            rank[i] = i;
        }
        Arrays.sort(rank, Comparator.comparingDouble(i -> -median[i]));
        out.println();
        out.printf(Locale.ROOT, "Each kernel's time summed over the %d thread%s that ran it, per step:%n%n", threads,
                threads == 1 ? "" : "s");
        out.println("| kernel | shape | thread-us per step | share of the step's thread-time |");
        out.println("| --- | --- | --- | --- |");
        for (int i : rank) {
            if (median[i] < 0.05) {
                continue;
            }
            out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f%% |%n", slots.get(i).kernel, slots.get(i).shape, median[i],
                    100 * median[i] / (step * threads));
        }
    }
}
