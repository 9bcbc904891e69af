package tp2.trainer;

import java.nio.file.Path;
import tp2.kernels.Backend;

/**
 * A validated training configuration: what {@code ./tp2 train} parsed, or what a test builds.
 *
 * @param resume a checkpoint to continue from, or null
 * @param init a folder with W1.npy and W2.npy to start from, or null
 * @param hidden hidden units (from the checkpoint when resuming, from W1.npy with --init)
 */
public record TrainConfig(Backend backend, int threads, int batchSize, float lr, float reg, int epochs, long seed,
                          boolean shuffle, Path out, Path resume, Path init, int hidden) {
    public static final float DEFAULT_LR = 1e-3f;
    public static final float DEFAULT_REG = 1e-4f;
    /** The default hidden width, and the widest ./tp2 train accepts. */
    public static final int HIDDEN = 100, MAX_HIDDEN = 4096;
    /** The largest batch: its buffers must fit the heap long before ints overflow. */
    public static final int MAX_BATCH = 65_536;
    public static final double W1_STD = 1e-4;
    public static final double W2_STD = 1e-2;

    /** A configuration with the default {@link #HIDDEN} units. */
    public TrainConfig(Backend backend, int threads, int batchSize, float lr, float reg, int epochs, long seed,
                       boolean shuffle, Path out, Path resume, Path init) {
        this(backend, threads, batchSize, lr, reg, epochs, seed, shuffle, out, resume, init, HIDDEN);
    }

    public TrainConfig withOut(Path folder) {
        return new TrainConfig(backend, threads, batchSize, lr, reg, epochs, seed, shuffle, folder, resume, init, hidden);
    }

    public TrainConfig withResume(Path checkpoint) {
        return new TrainConfig(backend, threads, batchSize, lr, reg, epochs, seed, shuffle, out, checkpoint, init, hidden);
    }
}
