package tp2.trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tp2.data.Cifar10;
import tp2.kernels.Backend;

/** {@code tp2 train}: the full TP2 training. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the two-layer network (3072 -> H sigmoid -> 10 linear, squared error, L2; H = 100 by default) "
                + "with mini-batch SGD, printing one line per epoch.")
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Kernels: naive, blocked or simd (default: simd when the Vector API is available, else blocked)")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the kernels (default: all cores); "
            + "results do not depend on N")
    Integer threads;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "128", description = "Images per SGD step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3", description = "Learning rate (default: ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--reg", paramLabel = "L2", defaultValue = "1e-4", description = "L2 regularisation (default: ${DEFAULT-VALUE})")
    float reg;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Epochs in all, resumed ones included (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the initial weights and of every epoch's shuffle (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--no-shuffle", description = "Keep the training set in file order")
    boolean noShuffle;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder for metrics, plot and checkpoint "
            + "(default: runs/<timestamp>, or the checkpoint's folder with --resume)")
    Path out;

    @Option(names = "--resume", paramLabel = "FILE", description = "Continue from a checkpoint (its hyperparameters and seed are used)")
    Path resume;

    @Option(names = "--init", paramLabel = "DIR", description = "Start from W1.npy (3073 x H) and W2.npy (H+1 x 10), float32 C order; "
            + "H, the hidden width, comes from them")
    Path init;

    @Option(names = "--hidden", paramLabel = "N", description = "Hidden units, 1 to 4096 (default: 100; with --resume or --init, "
            + "the width of the checkpoint or the .npy files)")
    Integer hidden;

    @Option(names = "--overwrite", description = "Train into an --out folder that holds another run, replacing its files")
    boolean overwrite;

    @Mixin
    DataOptions dataOptions;

    /**
     * Files that mark a folder as holding a run: an epoch finished there. A run stopped before its
     * first epoch ended (Ctrl-C, a divergence) leaves only run.json, nothing to keep or resume: the
     * same command may start again there.
     */
    static final String[] RUN_FILES = {"model.ckpt", "metrics.csv"};

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        PrintWriter stdout = cli.getOut();
        TrainConfig config = validate(cli);
        Cifar10 data = dataOptions.load(cli, stdout);
        checkBatchFits(cli, config, data);
        if (out == null && config.resume() == null) {   // the default folder: claimed now, so two runs never share one
            config = config.withOut(claimRunFolder(config.out()));
        }
        stdout.printf("tp2 train: backend %s, %d thread%s, %s%n", config.backend().cliName(), config.threads(),
                config.threads() == 1 ? "" : "s", SystemInfo.vector());
        stdout.printf("  data %s: %,d training and %,d test images%n", dataOptions.describe(), data.train().count(),
                data.test().count());
        stdout.printf("  batch %d, lr %s, reg %s, hidden %d, epochs %d, seed %d%s, out %s%s%n", config.batchSize(), config.lr(),
                config.reg(), config.hidden(), config.epochs(), config.seed(), config.shuffle() ? "" : ", no shuffle", config.out(),
                config.resume() != null ? ", resuming " + config.resume() : "");
        stdout.flush();
        long start = System.nanoTime();
        Files.createDirectories(config.out());   // the run starts: only now does its folder exist
        try (RunLock lock = RunLock.acquire(config.out())) {
            if (config.resume() == null && !overwrite) {
                refuseARun(cli, config.out());   // again under the lock: another run may have finished an epoch there since
            }
            Map<String, Object> run = runInfo(config);
            RunFiles files = new RunFiles(config.out());
            files.writeRun(run);
            Trainer.Result result = new Trainer(config, data, stdout, cli.getErr(), ConsoleProgress.training()).run();
            finish(stdout, config, run, files, result, start);
        } catch (RunLock.InUseException e) {
            throw new CommandLine.ParameterException(cli, "--out " + config.out() + ": " + e.getMessage());
        }
        return 0;
    }

    private static void finish(PrintWriter stdout, TrainConfig config, Map<String, Object> run, RunFiles files,
                               Trainer.Result result, long start) throws IOException {
        if (!result.history().isEmpty()) {
            EpochMetrics last = result.last();
            run.put("epochs_done", last.epoch());
            run.put("final_test_acc", last.testAccuracy());
            run.put("final_loss", last.loss());
            run.put("wall_seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
            run.put("ended", LocalDateTime.now().toString());
            files.writeRun(run);
            stdout.printf("test accuracy %.2f%% after %d epochs; wrote %s%n", 100 * result.last().testAccuracy(),
                    result.last().epoch(), config.out().resolve("model.ckpt"));
        }
    }

    /**
     * The batch must not exceed the training set, nor {@link TrainConfig#MAX_BATCH}, and its buffers must fit in
     * what the heap has left after the data set; each is a usage error naming the limit.
     */
    /** Room for the curves' plot at the end of a run: its bitmap and PNG encoding. */
    static final long PLOT_BYTES = 16L << 20;

    /**
     * Bytes of heap a run needs beside the data set: the network's buffers for the larger of a
     * training and an evaluation batch, the weights with their gradients, and what the end of each
     * epoch allocates (a checkpoint's encoded bytes, the plot): checked before the run starts, so
     * that no epoch's work is lost to a save that runs out of memory.
     */
    static long heapNeeded(int batch, int hidden) {
        long rows = Math.max(batch, Trainer.EVAL_BATCH);
        long slices = (tp2.data.Images.PIXELS + Network.SLICE - 1) / Network.SLICE;
        long floats = rows * (tp2.data.Images.PIXELS + (slices + 3) * (long) hidden + 3L * tp2.data.Cifar10.CLASSES)
                + 3L * (tp2.data.Images.PIXELS + slices + 1) * hidden;
        long checkpoint = Checkpoint.sizeFor(tp2.data.Images.PIXELS, hidden, tp2.data.Cifar10.CLASSES);
        return 4 * floats + checkpoint + PLOT_BYTES;
    }

    private static void checkBatchFits(CommandLine cli, TrainConfig config, Cifar10 data) {
        int batch = config.batchSize();
        if (batch > data.train().count()) {
            throw new CommandLine.ParameterException(cli, String.format(java.util.Locale.ROOT,
                    "--batch-size %d is more than the %,d training images", batch, data.train().count()));
        }
        long need = heapNeeded(batch, config.hidden());
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (need > free) {
            throw new CommandLine.ParameterException(cli, String.format(java.util.Locale.ROOT,
                    "--batch-size %d with %d hidden units needs about %,d MB (buffers, and saving a checkpoint); the heap has "
                    + "%,d MB left after the data set (take a smaller batch or fewer hidden units, or raise -Xmx in jvm.flags)",
                    batch, config.hidden(), need >> 20, free >> 20));
        }
    }

    /** A usage error when {@code dir} holds a run (an epoch finished there), naming how to continue or replace it. */
    private static void refuseARun(CommandLine cli, Path dir) {
        for (String file : RUN_FILES) {
            if (Files.exists(dir.resolve(file))) {
                throw new CommandLine.ParameterException(cli, "--out " + dir + " holds a run (" + file + "); continue it "
                        + "with --resume " + dir.resolve("model.ckpt") + ", or replace it with --overwrite");
            }
        }
    }

    /**
     * Creates and returns the first of {@code base}, {@code base-2}, {@code base-3}, ... that did not
     * exist: the default run folder is named by the second the run starts, and two runs started in
     * the same second each get their own (the creation is atomic, so they cannot both win one).
     */
    static Path claimRunFolder(Path base) throws IOException {
        Path parent = base.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        for (int n = 1; ; n++) {
            Path candidate = n == 1 ? base : base.resolveSibling(base.getFileName() + "-" + n);
            try {
                return Files.createDirectory(candidate);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken by another run (or anything else): the next name
            }
        }
    }

    /** Turns the options into a configuration, or a ParameterException (exit code 2) naming the option. */
    TrainConfig validate(CommandLine cli) throws IOException, Checkpoint.CheckpointException {
        Backend chosen = backendOption(cli, backend);
        int threadCount = threads == null ? SystemInfo.cores() : threads;
        if (threadCount < 1 || threadCount > SystemInfo.cores()) {
            throw new CommandLine.ParameterException(cli, SystemInfo.threadsProblem(threadCount));
        }
        if (batchSize < 1 || batchSize > TrainConfig.MAX_BATCH) {
            throw new CommandLine.ParameterException(cli, "--batch-size must be between 1 and " + TrainConfig.MAX_BATCH + ", got "
                    + batchSize);
        }
        if (epochs < 1) {
            throw new CommandLine.ParameterException(cli, "--epochs must be at least 1, got " + epochs);
        }
        if (!Float.isFinite(lr) || lr <= 0) {
            throw new CommandLine.ParameterException(cli, "--lr must be a finite number above 0, got " + lr);
        }
        if (!Float.isFinite(reg) || reg < 0) {
            throw new CommandLine.ParameterException(cli, "--reg must be a finite number, 0 or more, got " + reg);
        }
        if (resume != null && init != null) {
            throw new CommandLine.ParameterException(cli, "--resume and --init cannot be used together");
        }
        if (resume != null && !Files.isRegularFile(resume)) {
            throw new CommandLine.ParameterException(cli, "--resume " + resume + ": "
                    + (Files.isDirectory(resume) ? "a folder, expected a checkpoint file" : Files.exists(resume)
                    ? "not a regular file" : "no such file"));
        }
        if (resume != null) {   // a resumed run keeps what its checkpoint recorded: say so rather than ignore an option
            for (String option : new String[] {"--batch-size", "--lr", "--reg", "--seed", "--no-shuffle"}) {
                if (cli.getParseResult().hasMatchedOption(option)) {
                    throw new CommandLine.ParameterException(cli, option + ": a resumed run keeps its checkpoint's "
                            + "settings; leave " + option + " out (or start a new run from its weights: export, then --init)");
                }
            }
        }
        if (init != null && !Files.isDirectory(init)) {
            throw new CommandLine.ParameterException(cli, "--init " + init + ": no such folder");
        }
        Path dir = out;
        if (dir == null) {
            dir = resume != null ? resume.toAbsolutePath().getParent()
                    : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        checkWritable(cli, dir);
        if (resume == null && !overwrite) {
            refuseARun(cli, dir);
        }
        int width = hiddenOption(cli);
        TrainConfig config = new TrainConfig(chosen, threadCount, batchSize, lr, reg, epochs, seed, !noShuffle, dir,
                resume, init, width);
        if (resume != null) {
            Checkpoint c = Checkpoint.load(resume);
            if (hidden != null && hidden != c.hidden) {
                throw new CommandLine.ParameterException(cli, "--hidden " + hidden + ": the checkpoint " + resume + " has "
                        + c.hidden + " hidden units, and a resumed run keeps them");
            }
            config = new TrainConfig(chosen, threadCount, c.batchSize, c.lr, c.reg, epochs, c.seed, c.shuffle, dir,
                    resume, null, c.hidden);
            if (c.epoch >= epochs) {
                throw new CommandLine.ParameterException(cli, "--epochs " + epochs + ": the checkpoint already has "
                        + c.epoch + " epochs; ask for more");
            }
        }
        String reason = chosen.unavailableReason();
        if (reason != null) {
            throw new tp2.kernels.BackendUnavailableException("--backend " + chosen.cliName() + ": " + reason);
        }
        return config;
    }

    /**
     * The hidden width: from --init's W1.npy (checked against W2.npy and --hidden), else --hidden, else
     * the default; outside 1..4096 is a usage error. (With --resume the checkpoint's width is used.)
     */
    private int hiddenOption(CommandLine cli) throws IOException {
        if (hidden != null && (hidden < 1 || hidden > TrainConfig.MAX_HIDDEN)) {
            throw new CommandLine.ParameterException(cli, "--hidden must be between 1 and " + TrainConfig.MAX_HIDDEN
                    + ", got " + hidden);
        }
        if (init == null) {
            return hidden != null ? hidden : TrainConfig.HIDDEN;
        }
        try {
            Npy.Header w1 = Npy.header(init.resolve("W1.npy"));
            Npy.Header w2 = Npy.header(init.resolve("W2.npy"));
            int width = w1.cols();
            if (w1.rows() != tp2.data.Images.PIXELS + 1 || width < 1 || width > TrainConfig.MAX_HIDDEN) {
                throw new CommandLine.ParameterException(cli, "--init " + init + ": W1.npy is " + w1.rows() + " x " + w1.cols()
                        + "; it must be " + (tp2.data.Images.PIXELS + 1) + " x H with H (the hidden width) from 1 to "
                        + TrainConfig.MAX_HIDDEN);
            }
            if (w2.rows() != width + 1 || w2.cols() != tp2.data.Cifar10.CLASSES) {
                throw new CommandLine.ParameterException(cli, "--init " + init + ": W2.npy is " + w2.rows() + " x " + w2.cols()
                        + ", but W1.npy's " + width + " hidden units need " + (width + 1) + " x " + tp2.data.Cifar10.CLASSES);
            }
            if (hidden != null && hidden != width) {
                throw new CommandLine.ParameterException(cli, "--hidden " + hidden + ": the weights in " + init + " have "
                        + width + " hidden units");
            }
            return width;
        } catch (Npy.NpyException e) {
            throw new CommandLine.ParameterException(cli, "--init " + init + ": " + e.getMessage());
        }
    }

    /** The --backend value: a name, or the fastest available one when null; a bad name is a usage error. */
    static Backend backendOption(CommandLine cli, String name) {
        try {
            return name == null ? Backend.best() : Backend.fromName(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, "--backend: " + e.getMessage());
        }
    }

    /**
     * The run folder must be creatable: it or its nearest existing parent is a writable folder. It
     * is created only when the training starts, so a usage error or a failed start leaves nothing.
     */
    private static void checkWritable(CommandLine cli, Path dir) {
        if (dir.toString().isEmpty()) {
            throw new CommandLine.ParameterException(cli, "--out must name a folder, got an empty path");
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new CommandLine.ParameterException(cli, "--out " + dir + ": cannot write there ("
                    + (existing == null ? "no such file system" : existing + (Files.isDirectory(existing)
                    ? " is not writable" : " is not a folder")) + ")");
        }
    }

    private Map<String, Object> runInfo(TrainConfig config) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("jdk", SystemInfo.jdk());
        run.put("cpu", SystemInfo.cpu());
        run.put("cores", SystemInfo.cores());
        run.put("vector", SystemInfo.vector());
        run.put("backend", config.backend().cliName());
        run.put("threads", config.threads());
        run.put("batch_size", config.batchSize());
        run.put("lr", config.lr());
        run.put("reg", config.reg());
        run.put("epochs", config.epochs());
        run.put("seed", config.seed());
        run.put("shuffle", config.shuffle());
        run.put("hidden", config.hidden());
        run.put("w1_init_std", TrainConfig.W1_STD);
        run.put("w2_init_std", TrainConfig.W2_STD);
        run.put("data", dataOptions.describe());
        run.put("resume", config.resume() == null ? null : config.resume().toString());
        run.put("init", config.init() == null ? null : config.init().toString());
        run.put("started", LocalDateTime.now().toString());
        return run;
    }
}
