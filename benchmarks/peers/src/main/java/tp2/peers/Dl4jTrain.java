package tp2.peers;

import java.util.Locale;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import tp2.data.Cifar10;

/**
 * TP2 as a Java user would write it with DL4J: a MultiLayerNetwork of a sigmoid DenseLayer and an
 * identity OutputLayer with the L2 loss, plain SGD, L2 on weights and biases, the training set
 * shuffled every epoch. Prints one line per epoch like tp2_numpy.py: the training pass's seconds
 * (the epoch's {@code fit}) and the test accuracy.
 *
 * <p>Deviations from tp2's training, each on purpose:
 * <ul>
 *   <li>{@code LossFunction.L2} is the per-example sum of squares averaged over the batch: tp2's
 *       loss and gradient (DL4J's MSE would also divide by the 10 outputs).</li>
 *   <li>{@code .l2(reg).l2Bias(reg)} adds {@code reg w} to every gradient, biases included:
 *       tp2's {@code w -= lr (dw + reg w)} with plain {@code Sgd(lr)}.</li>
 *   <li>Biases start at 0 (DL4J's bias initialisation is a constant), tp2's at N(0, std); the
 *       weights come from DL4J's generator. Accuracies differ by the luck of the draw.</li>
 *   <li>The batches of an epoch are cut from a shuffled copy of the whole training set held as
 *       floats (614 MB), as DL4J's DataSet does; tp2 keeps bytes and converts each batch.</li>
 * </ul>
 * Threads: {@code OMP_NUM_THREADS=T} (compare.py sets it).
 */
public final class Dl4jTrain {
    private Dl4jTrain() {}

    public static void main(String[] args) throws Exception {
        Args a = Args.parse(args);
        Cifar10 data = a.data();
        float[] mean = Args.pixelMean(data.train());
        INDArray trainX = Nd4j.create(Args.centred(data.train(), mean), new long[] {data.train().count(), 3072}, 'c');
        INDArray trainY = Nd4j.create(Args.oneHot(data.train()), new long[] {data.train().count(), 10}, 'c');
        INDArray testX = Nd4j.create(Args.centred(data.test(), mean), new long[] {data.test().count(), 3072}, 'c');
        int[] testLabels = Args.labels(data.test());

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(0)
                .updater(new Sgd(a.lr))
                .l2(a.reg)
                .l2Bias(a.reg)
                .list()
                .layer(new DenseLayer.Builder().nIn(3072).nOut(a.hidden).activation(Activation.SIGMOID)
                        .weightInit(new NormalDistribution(0, 1e-4)).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.L2).nIn(a.hidden).nOut(10)
                        .activation(Activation.IDENTITY).weightInit(new NormalDistribution(0, 1e-2)).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSet all = new DataSet(trainX, trainY);
        for (int epoch = 1; epoch <= a.epochs; epoch++) {
            long start = System.nanoTime();
            all.shuffle(epoch);
            // batch 1 of the iterator = one DataSet of a.batch rows a step (its default, 5, would merge
            // five batches into each step: 79 updates an epoch instead of 391)
            net.fit(new ListDataSetIterator<>(all.batchBy(a.batch), 1));
            double seconds = (System.nanoTime() - start) / 1e9;
            INDArray predicted = net.output(testX).argMax(1);
            long correct = 0;
            for (int i = 0; i < testLabels.length; i++) {
                correct += predicted.getInt(i) == testLabels[i] ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "epoch %d  %.3f s  images %d  test %.2f%%%n", epoch, seconds,
                    data.train().count(), 100.0 * correct / testLabels.length);
        }
    }
}
