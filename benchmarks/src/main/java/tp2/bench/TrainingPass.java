package tp2.bench;

import java.nio.file.Path;
import java.util.Random;
import tp2.data.Cifar10Reader;
import tp2.data.DataLocation;
import tp2.data.Images;
import tp2.kernels.Kernels;
import tp2.trainer.Batches;
import tp2.trainer.Network;
import tp2.trainer.TrainConfig;

/**
 * One training pass of TP2 as {@code ./tp2 train} runs it (shuffle, then per batch gather +
 * {@link Network#step}), without test evaluation, metrics or checkpoints; shared by
 * {@link EpochBenchmark} and {@link StepProfile}. Buffers are allocated once, here.
 */
final class TrainingPass {
    /** Images in a training pass: the real training set holds 50,000, and so many synthetic ones are made. */
    static final int IMAGES = 50_000;

    final Images train;
    final Network network;
    private final int batch;
    private final float[] mean;
    private final float[] x;
    private final int[] labels;
    private final int[] order;
    private final Network.StepResult step = new Network.StepResult();

    TrainingPass(Images train, int batch) {
        this.train = train;
        this.batch = batch;
        this.mean = Batches.pixelMean(train);
        this.network = new Network(Images.PIXELS, TrainConfig.HIDDEN, 10, batch);
        this.x = new float[batch * Images.PIXELS];
        this.labels = new int[batch];
        this.order = new int[train.count()];
        freshWeights();
    }

    /** The trainer's initial weights (seed 0). */
    void freshWeights() {
        network.initialize(new Random(0), TrainConfig.W1_STD, TrainConfig.W2_STD);
    }

    /** Steps in one pass, the last batch partial. */
    int steps() {
        return (train.count() + batch - 1) / batch;
    }

    /** One pass over the training set in the order of {@code epoch}'s shuffle; returns the sum of the batch losses. */
    double run(Kernels kernels, int epoch, float lr, float reg) {
        Batches.shuffle(order, 0, epoch);
        double lossSum = 0;
        for (int first = 0; first < train.count(); first += batch) {
            int m = Math.min(batch, train.count() - first);
            Batches.gather(kernels, train, order, first, m, mean, x, labels);
            network.step(kernels, x, labels, m, lr, reg, step);
            lossSum += step.loss;
        }
        return lossSum;
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
}
