package tp2.bench;

import java.nio.file.Path;
import java.util.Random;
import tp2.data.Cifar10Reader;
import tp2.data.DataLocation;
import tp2.data.Images;
import tp2.kernels.ParallelKernels;
import tp2.trainer.Batches;
import tp2.trainer.Network;
import tp2.trainer.TrainConfig;
import tp2.trainer.TrainingPass;

/**
 * The training set and the trainer's own {@link TrainingPass}, set up as {@code ./tp2 train} sets
 * them up (seed 0, the default initialisation, shuffle on), for {@link EpochBenchmark} and
 * {@link StepProfile}.
 */
final class Workload {
    /** Images in a training pass: the real training set holds 50,000, and so many synthetic ones are made. */
    static final int IMAGES = 50_000;

    private Workload() {}

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

    /** The trainer's pass over {@code train}, batch {@code batch}, with fresh weights from seed 0. */
    static TrainingPass pass(Images train, ParallelKernels kernels, int batch, int hidden, float lr) {
        Network network = new Network(Images.PIXELS, hidden, 10, batch);
        TrainingPass pass = new TrainingPass(train, Batches.pixelMean(train), network, kernels, batch, lr,
                TrainConfig.DEFAULT_REG, 0, true);
        freshWeights(network);
        return pass;
    }

    /** The trainer's initial weights (seed 0). */
    static void freshWeights(Network network) {
        network.initialize(new Random(0), TrainConfig.W1_STD, TrainConfig.W2_STD);
    }
}
