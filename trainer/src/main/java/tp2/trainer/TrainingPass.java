package tp2.trainer;

import java.util.Locale;
import tp2.data.Images;
import tp2.kernels.ParallelKernels;

/**
 * One training pass over the training set: the epoch loop of TP2, in one place for
 * {@code ./tp2 train} ({@link Trainer}), {@code ./tp2 profile} and the epoch benchmark. Shuffle by
 * (seed, epoch), then per batch: select it, {@link Network#step}, check the loss and the weights are
 * finite. The last partial batch is used. Allocates nothing.
 */
public final class TrainingPass {
    private final Images train;
    private final float[] mean;
    private final Network network;
    private final ParallelKernels kernels;
    private final int batch;
    private final float lr;
    private final float reg;
    private final long seed;
    private final boolean shuffle;
    private final int[] order;
    private final Network.StepResult step = new Network.StepResult();

    /** What one pass measured: the summed data loss of its batches (each weighted by its rows) and the correct rows. */
    public static final class Totals {
        public double lossSum;
        public long correct;
    }

    public TrainingPass(Images train, float[] mean, Network network, ParallelKernels kernels, int batch, float lr,
                        float reg, long seed, boolean shuffle) {
        if (batch < 1 || batch > network.maxBatch()) {
            throw new IllegalArgumentException("batch " + batch + " does not fit the network's " + network.maxBatch() + " rows");
        }
        this.train = train;
        this.mean = mean;
        this.network = network;
        this.kernels = kernels;
        this.batch = batch;
        this.lr = lr;
        this.reg = reg;
        this.seed = seed;
        this.shuffle = shuffle;
        this.order = new int[train.count()];
    }

    /** Steps in one pass, the last batch partial. */
    public int steps() {
        return (train.count() + batch - 1) / batch;
    }

    public Network network() {
        return network;
    }

    /**
     * Trains one pass in the order of {@code epoch} (from 0) into {@code totals}, calling
     * {@code progress} after each step.
     *
     * @throws Trainer.DivergedException when the loss or a weight becomes NaN or infinite, naming the step
     */
    public void run(int epoch, Totals totals, Trainer.Progress progress) throws Trainer.DivergedException {
        if (shuffle) {
            Batches.shuffle(order, seed, epoch);
        } else {
            Batches.identity(order);
        }
        totals.lossSum = 0;
        totals.correct = 0;
        kernels.newPhase();   // the evaluation and file writing before this pass are not judged with it
        int steps = steps();
        for (int s = 0; s < steps; s++) {
            int first = s * batch;
            int m = Math.min(batch, train.count() - first);
            network.selectBatch(train, order, first, m, mean);
            float probe = network.step(kernels, lr, reg, step);
            String bad = !Float.isFinite(step.loss) ? "loss is " + step.loss
                    : probe != 0f ? network.firstNonFiniteWeight() : null;
            if (bad != null) {
                throw new Trainer.DivergedException(String.format(Locale.ROOT,
                        "training diverged at epoch %d, step %d of %d: %s", epoch + 1, s + 1, steps, bad));
            }
            totals.lossSum += (double) step.loss * m;
            totals.correct += step.correct;
            progress.stepDone();
        }
    }
}
