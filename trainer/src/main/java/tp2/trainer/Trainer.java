package tp2.trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import tp2.data.Cifar10;
import tp2.data.Images;
import tp2.kernels.Kernels;
import tp2.kernels.ParallelKernels;

/**
 * The TP2 training: mini-batch SGD over the shuffled training set, test accuracy after every
 * epoch, metrics and a checkpoint written after every epoch. The epoch loop reads like the
 * algorithm: gather, forward, loss, backward, update.
 */
public final class Trainer {
    /** Images per evaluation batch (any size gives the same predictions). */
    static final int EVAL_BATCH = 500;

    private final TrainConfig config;
    private final Cifar10 data;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Progress progress;

    /** Called per step, for a progress bar; the default does nothing. */
    public interface Progress {
        void epochStarted(int epoch, int steps);

        void stepDone();

        void epochDone();

        Progress NONE = new Progress() {
            @Override
            public void epochStarted(int epoch, int steps) {}

            @Override
            public void stepDone() {}

            @Override
            public void epochDone() {}
        };
    }

    /** The training stopped because the loss or a weight became NaN or infinite. */
    public static final class DivergedException extends Exception {
        private static final long serialVersionUID = 1L;

        public DivergedException(String message) {
            super(message);
        }

        public DivergedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What a finished run leaves: its metrics and final weights. */
    public record Result(List<EpochMetrics> history, Network network, float[] mean) {
        public EpochMetrics last() {
            return history.get(history.size() - 1);
        }
    }

    public Trainer(TrainConfig config, Cifar10 data, PrintWriter out, Progress progress) {
        this(config, data, out, out, progress);
    }

    /** With {@code err} for warnings (a plot that could not be drawn), which do not fail the run. */
    public Trainer(TrainConfig config, Cifar10 data, PrintWriter out, PrintWriter err, Progress progress) {
        this.config = config;
        this.data = data;
        this.out = out;
        this.err = err;
        this.progress = progress;
    }

    public Result run() throws IOException, DivergedException, Checkpoint.CheckpointException, Npy.NpyException {
        Images train = data.train();
        int k = Images.PIXELS;
        int classes = Cifar10.CLASSES;
        int batch = config.batchSize();
        int hidden = config.hidden();
        Network network = new Network(k, hidden, classes, Math.max(batch, EVAL_BATCH));
        float[] mean;
        int startEpoch = 0;
        List<EpochMetrics> history = new ArrayList<>();
        Path outDir = config.out();
        Files.createDirectories(outDir);
        RunFiles files = new RunFiles(outDir);

        if (config.resume() != null) {
            Checkpoint c = Checkpoint.load(config.resume());
            if (c.k != k || c.hidden != hidden || c.classes != classes) {
                throw new Checkpoint.CheckpointException(config.resume() + ": shapes " + c.k + "-" + c.hidden + "-"
                        + c.classes + " do not match this network's " + k + "-" + hidden + "-" + classes);
            }
            network.setW1(c.w1);
            System.arraycopy(c.w2, 0, network.w2, 0, c.w2.length);
            mean = c.mean;
            startEpoch = c.epoch;
            history.addAll(files.readHistory(startEpoch));
            if (files.damagedCopy() != null) {
                err.println("tp2 train: warning: metrics.csv has lines that do not read as metrics; kept as it was in "
                        + files.damagedCopy() + ", continued without them");
                err.flush();
            }
        } else {
            mean = Batches.pixelMean(train);
            if (config.init() != null) {
                float[] w1 = Npy.read(config.init().resolve("W1.npy"), k + 1, hidden);
                float[] w2 = Npy.read(config.init().resolve("W2.npy"), hidden + 1, classes);
                network.setW1(w1);
                System.arraycopy(w2, 0, network.w2, 0, w2.length);
            } else {
                network.initialize(new Random(config.seed()), TrainConfig.W1_STD, TrainConfig.W2_STD);
            }
        }

        try (ParallelKernels kernels = new ParallelKernels(config.backend().create(), config.threads())) {
            TrainingPass pass = new TrainingPass(train, mean, network, kernels, batch, config.lr(), config.reg(),
                    config.seed(), config.shuffle());
            TrainingPass.Totals totals = new TrainingPass.Totals();
            Path checkpoint = outDir.resolve("model.ckpt");
            // the checkpoint this run can call its last good one: the one it resumed from, or one it wrote
            int lastSaved = config.resume() != null && checkpoint.toAbsolutePath().equals(config.resume().toAbsolutePath())
                    ? startEpoch : -1;
            Throwable failure = null;
            try {
                trainEpochs(pass, totals, kernels, network, mean, history, files, checkpoint, startEpoch, lastSaved);
            } catch (Throwable t) {
                failure = t;
                throw t;
            } finally {
                if (!history.isEmpty()) {
                    plot(files, history, failure);   // once, at the end (also of a diverged run)
                }
            }
        }
        return new Result(history, network, mean);
    }

    /**
     * Draws curves.png. The plot is a convenience: when it cannot be drawn (a full disk or temporary
     * folder, a file limit, no fonts) the run's numbers are still in metrics.csv and metrics.json, so
     * a finished run stays a success (one warning line) and a failed run keeps its own error (the
     * plot's is added to it as suppressed).
     */
    private void plot(RunFiles files, List<EpochMetrics> history, Throwable failure) {
        try {
            files.writePlot(history);
        } catch (IOException | RuntimeException | Error e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                err.println("tp2 train: warning: curves.png not drawn (" + Main.describe(e)
                        + "); metrics.csv and metrics.json hold the same numbers");
                err.flush();
            }
        }
    }

    private void trainEpochs(TrainingPass pass, TrainingPass.Totals totals, ParallelKernels kernels, Network network,
                             float[] mean, List<EpochMetrics> history, RunFiles files, Path checkpoint, int startEpoch,
                             int lastSaved) throws IOException, DivergedException {
        Images train = data.train();
        int k = Images.PIXELS;
        int classes = Cifar10.CLASSES;
        int batch = config.batchSize();
        int hidden = config.hidden();
        for (int epoch = startEpoch; epoch < config.epochs(); epoch++) {
            progress.epochStarted(epoch + 1, pass.steps());
            long start = System.nanoTime();
            try {
                pass.run(epoch, totals, progress);
            } catch (DivergedException e) {
                throw new DivergedException(e.getMessage() + "; " + (lastSaved >= 0
                        ? "the last good checkpoint is " + checkpoint + " (epoch " + lastSaved + ")"
                        : "this run wrote no checkpoint yet") + "; try a smaller --lr", e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.epochDone();
            double testAccuracy = accuracy(kernels, network, data.test(), mean, null);
            double loss = totals.lossSum / train.count() + config.reg() * network.halfSquaredNorm();
            EpochMetrics row = new EpochMetrics(epoch + 1, loss, (double) totals.correct / train.count(), testAccuracy,
                    seconds, train.count() / seconds);
            history.add(row);
            out.println(format(row, config.epochs()));
            out.flush();
            // Every epoch's shuffle derives from (seed, epoch), so the seed is the whole RNG state.
            new Checkpoint(k, hidden, classes, batch, config.lr(), config.reg(), config.seed(),
                    config.shuffle(), epoch + 1, config.seed(), mean, network.w1(), network.w2).save(checkpoint);
            lastSaved = epoch + 1;
            files.writeMetrics(history);
        }
    }

    static String format(EpochMetrics row, int epochs) {
        int width = Integer.toString(epochs).length();
        return String.format(Locale.ROOT, "epoch %" + width + "d/%d  loss %.4f  train %6.2f%%  test %6.2f%%  %6.2f s  %,8.0f img/s",
                row.epoch(), epochs, row.loss(), 100 * row.trainAccuracy(), 100 * row.testAccuracy(), row.trainSeconds(),
                row.imagesPerSecond());
    }

    /**
     * Accuracy of {@code network} on {@code images}, in batches of up to {@link #EVAL_BATCH}; when
     * {@code confusion} is not null it receives counts [true label][predicted].
     */
    public static double accuracy(ParallelKernels kernels, Network network, Images images, float[] mean,
                                  long[][] confusion) {
        int[] order = new int[images.count()];
        Batches.identity(order);
        int batch = Math.min(network.maxBatch(), EVAL_BATCH);
        long correct = 0;
        int classes = network.classes();
        for (int first = 0; first < images.count(); first += batch) {
            int m = Math.min(batch, images.count() - first);
            network.selectBatch(images, order, first, m, mean);
            float[] scores = network.forward(kernels);
            int[] labels = network.labels();
            correct += kernels.countCorrect(scores, labels, m, classes);
            if (confusion != null) {
                for (int i = 0; i < m; i++) {
                    confusion[labels[i]][Kernels.argmax(scores, i * classes, classes)]++;
                }
            }
        }
        return images.count() == 0 ? 0 : (double) correct / images.count();
    }
}
