package tp2.peers;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.loss.L2Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Locale;
import tp2.data.Cifar10;

/**
 * TP2 as a Java user would write it with PyTorch through DJL: a SequentialBlock of Linear(H),
 * sigmoid, Linear(10), DJL's L2 loss, plain SGD with weight decay, an ArrayDataset shuffled every
 * epoch. Prints one line per epoch like tp2_numpy.py: the training pass's seconds (the batches'
 * forward, backward and update, as tp2 times it) and the test accuracy.
 *
 * <p>Deviations from tp2's training, each on purpose:
 * <ul>
 *   <li>DJL's L2Loss is {@code weight * mean over all elements of (label - pred)^2}; with weight =
 *       10 (the classes) that is tp2's mean over the batch of the sum over classes, the same loss
 *       and the same gradient.</li>
 *   <li>Weight decay {@code reg} in DJL's SGD applies to every parameter, biases included, as tp2's
 *       L2 does: {@code w -= lr (grad + reg w)}.</li>
 *   <li>The initial weights come from DJL's generator (N(0, 1e-4) for layer 1, N(0, 1e-2) for
 *       layer 2, biases included), not tp2's; accuracies differ by the luck of the draw.</li>
 *   <li>The whole training set lives in the engine as floats (614 MB), as DJL's ArrayDataset keeps
 *       it; tp2 keeps bytes and converts each batch.</li>
 * </ul>
 * Threads: {@code -Dai.djl.pytorch.num_threads=T} and {@code OMP_NUM_THREADS=T} (compare.py sets both).
 */
public final class DjlTrain {
    private DjlTrain() {}

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        Cifar10 data = a.data();
        try (NDManager manager = NDManager.newBaseManager();
             Model model = Model.newInstance("tp2")) {
            float[] mean = Args.pixelMean(data.train());
            NDArray trainX = manager.create(Args.centred(data.train(), mean), new Shape(data.train().count(), 3072));
            NDArray trainY = manager.create(Args.oneHot(data.train()), new Shape(data.train().count(), 10));
            NDArray testX = manager.create(Args.centred(data.test(), mean), new Shape(data.test().count(), 3072));
            int[] testLabels = Args.labels(data.test());

            Linear hiddenLayer = Linear.builder().setUnits(a.hidden).build();
            hiddenLayer.setInitializer(new NormalInitializer(1e-4f), Parameter.Type.WEIGHT);
            hiddenLayer.setInitializer(new NormalInitializer(1e-4f), Parameter.Type.BIAS);
            Linear output = Linear.builder().setUnits(10).build();
            output.setInitializer(new NormalInitializer(1e-2f), Parameter.Type.WEIGHT);
            output.setInitializer(new NormalInitializer(1e-2f), Parameter.Type.BIAS);
            SequentialBlock net = new SequentialBlock().add(hiddenLayer).add(Activation::sigmoid).add(output);
            model.setBlock(net);

            Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(a.lr)).optWeightDecays(a.reg).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(new L2Loss("l2", 10f)).optOptimizer(sgd);
            ArrayDataset train = new ArrayDataset.Builder().setData(trainX).optLabels(trainY)
                    .setSampling(a.batch, true).build();
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(a.batch, 3072));
                for (int epoch = 1; epoch <= a.epochs; epoch++) {
                    long start = System.nanoTime();
                    double lossSum = 0;
                    int seen = 0;
                    for (Batch batch : trainer.iterateDataset(train)) {
                        EasyTrain.trainBatch(trainer, batch);
                        trainer.step();
                        seen += batch.getSize();
                        batch.close();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    NDArray scores = trainer.evaluate(new NDList(testX)).singletonOrThrow();
                    long[] predicted = scores.argMax(1).toType(DataType.INT64, false).toLongArray();
                    long correct = 0;
                    for (int i = 0; i < predicted.length; i++) {
                        correct += predicted[i] == testLabels[i] ? 1 : 0;
                    }
                    scores.close();
                    System.out.printf(Locale.ROOT, "epoch %d  %.3f s  images %d  test %.2f%%%n", epoch, seconds, seen,
                            100.0 * correct / testLabels.length);
                }
            }
        }
    }
}
