package tp2.trainer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tp2.data.Cifar10;
import tp2.data.Images;
import tp2.kernels.Backend;
import tp2.kernels.ParallelKernels;

/** {@code tp2 evaluate}: test accuracy and confusion matrix of a checkpoint. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Print the test accuracy of a checkpoint and its 10x10 confusion matrix (rows: true class).")
final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A model.ckpt written by train")
    Path checkpoint;

    @Option(names = "--backend", paramLabel = "NAME", description = "Kernels: naive, blocked or simd (default: the fastest available)")
    String backend;

    @Mixin
    DataOptions dataOptions;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        if (!java.nio.file.Files.exists(checkpoint)) {   // anything else that is not a checkpoint: Checkpoint.load names it
            throw new CommandLine.ParameterException(cli, "--checkpoint " + checkpoint + ": no such file");
        }
        Backend chosen = TrainCommand.backendOption(cli, backend);
        Checkpoint c = Checkpoint.load(checkpoint);
        if (c.k != Images.PIXELS || c.classes != Cifar10.CLASSES) {
            throw new Checkpoint.CheckpointException(checkpoint + ": a " + c.k + "-" + c.hidden + "-" + c.classes
                    + " network does not take CIFAR-10 (3072 inputs, 10 classes)");
        }
        Cifar10 data = dataOptions.load(cli, cli.getOut());
        Network network = new Network(c.k, c.hidden, c.classes, Trainer.EVAL_BATCH);
        network.setW1(c.w1);
        System.arraycopy(c.w2, 0, network.w2, 0, c.w2.length);
        long[][] confusion = new long[c.classes][c.classes];
        double accuracy;
        try (ParallelKernels kernels = new ParallelKernels(chosen.create(), SystemInfo.cores())) {
            accuracy = Trainer.accuracy(kernels, network, data.test(), c.mean, confusion);
        }
        PrintWriterTable.print(cli.getOut(), checkpoint, c.epoch, accuracy, data.classNames(), confusion);
        return 0;
    }

    /** The accuracy line and the confusion matrix, with class names. */
    static final class PrintWriterTable {
        private PrintWriterTable() {}

        static void print(java.io.PrintWriter out, Path checkpoint, int epoch, double accuracy, List<String> names,
                          long[][] confusion) {
            long total = 0;
            for (long[] row : confusion) {
                for (long v : row) {
                    total += v;
                }
            }
            out.printf("%s (epoch %d): test accuracy %.2f%% of %,d images%n", checkpoint, epoch, 100 * accuracy, total);
            int width = 6;
            for (String name : names) {
                width = Math.max(width, name.length());
            }
            StringBuilder header = new StringBuilder(String.format("%-" + width + "s", "true\\pred"));
            for (String name : names) {
                header.append(String.format(" %" + Math.max(5, Math.min(name.length(), 10)) + "s", abbreviate(name)));
            }
            out.println(header.append("  recall"));
            for (int i = 0; i < names.size(); i++) {
                StringBuilder row = new StringBuilder(String.format("%-" + width + "s", names.get(i)));
                long rowTotal = 0;
                for (int j = 0; j < names.size(); j++) {
                    row.append(String.format(" %" + Math.max(5, Math.min(names.get(j).length(), 10)) + "d", confusion[i][j]));
                    rowTotal += confusion[i][j];
                }
                row.append(String.format("  %5.1f%%", rowTotal == 0 ? 0 : 100.0 * confusion[i][i] / rowTotal));
                out.println(row);
            }
            out.flush();
        }

        private static String abbreviate(String name) {
            return name.length() > 10 ? name.substring(0, 10) : name;
        }
    }
}
