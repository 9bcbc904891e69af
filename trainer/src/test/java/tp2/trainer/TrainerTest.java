package tp2.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tp2.data.Cifar10;
import tp2.data.Images;
import tp2.kernels.Backend;
import tp2.kernels.ParallelKernels;

/** The training loop on small generated sets: it learns, agrees across backends and threads, and resumes exactly. */
class TrainerTest {
    @TempDir
    Path tmp;

    private TrainConfig config(Backend backend, int threads, int epochs, Path out) {
        return new TrainConfig(backend, threads, 16, 1e-4f, 1e-4f, epochs, 3, true, out, null, null);
    }

    private static Trainer.Result train(TrainConfig config, Cifar10 data) throws Exception {
        return new Trainer(config, data, new PrintWriter(new StringWriter()), Trainer.Progress.NONE).run();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void overfitsThirtyTwoImages(Backend backend) throws Exception {
        Images train = Generated.images(32, 5);
        // labels with no relation to the pixels: only memorising reaches 100%
        Random random = new Random(9);
        for (int i = 0; i < 32; i++) {
            train.labels()[i] = (byte) random.nextInt(10);
        }
        float[] mean = Batches.pixelMean(train);
        Network network = new Network(Images.PIXELS, TrainConfig.HIDDEN, 10, 32);
        network.initialize(new Random(1), 1e-3, 1e-1);
        int[] order = new int[32];
        Batches.identity(order);
        Network.StepResult step = new Network.StepResult();
        int steps = 0;
        try (ParallelKernels kernels = new ParallelKernels(backend.create(), 1)) {
            for (; steps < 3000; steps++) {
                network.selectBatch(train, order, 0, 32, mean);
                network.step(kernels, 2e-3f, 0f, step);
                if (step.correct == 32 && steps > 10) {
                    break;
                }
            }
        }
        assertEquals(32, step.correct, backend + ": training accuracy on 32 images after " + steps + " steps");
    }

    @Test
    void theInitialLossMatchesItsClosedForm() {
        // W1 = 0 makes every hidden unit exactly sigmoid(0) = 0.5, so S2[j] = W2[0][j] + 0.5 sum_h W2[h+1][j].
        int m = 50;
        Network network = new Network(Images.PIXELS, TrainConfig.HIDDEN, 10, m);
        network.initialize(new Random(7), 0, TrainConfig.W2_STD);
        Images images = Generated.images(m, 3);
        int[] order = new int[m];
        Batches.identity(order);
        float[] mean = Batches.pixelMean(images);
        int[] labels = new int[m];
        for (int i = 0; i < m; i++) {
            labels[i] = images.label(i);
        }
        double[] s2 = new double[10];
        for (int j = 0; j < 10; j++) {
            s2[j] = network.w2[j];
            for (int h = 0; h < TrainConfig.HIDDEN; h++) {
                s2[j] += 0.5 * network.w2[(h + 1) * 10 + j];
            }
        }
        double expected = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < 10; j++) {
                double d = s2[j] - (j == labels[i] ? 1 : 0);
                expected += d * d;
            }
        }
        expected /= m;
        for (Backend backend : Backend.values()) {
            Network.StepResult step = new Network.StepResult();
            try (ParallelKernels kernels = new ParallelKernels(backend.create(), 1)) {
                network.selectBatch(images, order, 0, m, mean);
                network.gradients(kernels, step);
            }
            assertEquals(expected, step.loss, 1e-6 * expected, backend + " initial loss");
        }
        assertTrue(Math.abs(expected - 1.0) < 0.05, "with small W2 the loss starts near 1: " + expected);
    }

    @Test
    void theThreeBackendsAgreeOnTheFirstEpochAndThreadsDoNotMatter() throws Exception {
        Cifar10 data = Generated.set(400, 100, 11);
        double naiveLoss = train(config(Backend.NAIVE, 1, 1, tmp.resolve("n")), data).last().loss();
        for (Backend backend : new Backend[] {Backend.BLOCKED, Backend.SIMD}) {
            Trainer.Result one = train(config(backend, 1, 1, tmp.resolve(backend + "1")), data);
            Trainer.Result two = train(config(backend, 2, 1, tmp.resolve(backend + "2")), data);
            assertEquals(naiveLoss, one.last().loss(), 1e-4 * naiveLoss, backend + " first-epoch loss vs naive");
            assertArrayEquals(one.network().w1(), two.network().w1(), backend + ": W1 after 1 thread vs 2 threads");
            assertArrayEquals(one.network().w2, two.network().w2, backend + ": W2 after 1 thread vs 2 threads");
            assertEquals(one.last().loss(), two.last().loss(), backend + ": loss 1 vs 2 threads");
        }
    }

    @Test
    void resumingGivesTheSameWeightsAsAStraightRun() throws Exception {
        Cifar10 data = Generated.set(300, 50, 12);
        Trainer.Result straight = train(config(Backend.best(), 2, 4, tmp.resolve("straight")), data);
        Path split = tmp.resolve("split");
        train(config(Backend.best(), 2, 2, split), data);
        Trainer.Result resumed = train(config(Backend.best(), 1, 4, split).withResume(split.resolve("model.ckpt")), data);
        assertArrayEquals(straight.network().w1(), resumed.network().w1(), "W1 after 2 + 2 epochs vs 4");
        assertArrayEquals(straight.network().w2, resumed.network().w2, "W2 after 2 + 2 epochs vs 4");
        assertEquals(4, resumed.history().size(), "metrics rows of the resumed run");
        assertEquals(straight.last().testAccuracy(), resumed.last().testAccuracy());
        for (String file : new String[] {"metrics.csv", "metrics.json", "curves.png", "model.ckpt"}) {
            assertTrue(Files.size(split.resolve(file)) > 0, file);
        }
        assertEquals(5, Files.readAllLines(split.resolve("metrics.csv")).size());
    }

    @Test
    void aPlantedNaNStopsTheRunWithinOneStep() throws Exception {
        Cifar10 data = Generated.set(200, 50, 13);
        Path out = tmp.resolve("nan");
        train(config(Backend.best(), 1, 1, out), data);
        Checkpoint good = Checkpoint.load(out.resolve("model.ckpt"));
        // a run starting from a NaN weight
        Path init = tmp.resolve("init");
        Files.createDirectories(init);
        float[] w1 = good.w1.clone();
        w1[12345] = Float.NaN;
        Npy.write(init.resolve("W1.npy"), w1, Images.PIXELS + 1, TrainConfig.HIDDEN);
        Npy.write(init.resolve("W2.npy"), good.w2, TrainConfig.HIDDEN + 1, 10);
        TrainConfig poisoned = new TrainConfig(Backend.best(), 1, 16, 1e-4f, 1e-4f, 2, 3, true, out, null, init);
        Trainer.DivergedException e = assertThrows(Trainer.DivergedException.class, () -> train(poisoned, data));
        assertTrue(e.getMessage().contains("epoch 1, step 1 of"), e.getMessage());
        // the checkpoint in the folder is another run's: this one never calls it its own
        assertTrue(e.getMessage().contains("this run wrote no checkpoint yet"), e.getMessage());
        // the earlier checkpoint is untouched
        assertArrayEquals(good.w1, Checkpoint.load(out.resolve("model.ckpt")).w1);
    }

    @Test
    void aDivergingLearningRateIsCaught() throws Exception {
        Cifar10 data = Generated.set(200, 50, 14);
        TrainConfig wild = new TrainConfig(Backend.best(), 1, 16, 10f, 0f, 3, 3, true, tmp.resolve("wild"), null, null);
        Trainer.DivergedException e = assertThrows(Trainer.DivergedException.class, () -> train(wild, data));
        assertTrue(e.getMessage().startsWith("training diverged at epoch 1"), e.getMessage());
    }

    /**
     * Every backend trains any hidden width as naive does: a few steps (lr 1e-4, where summation
     * order changes the weights by rounding only) at widths that take every path of the simd
     * kernels (one column, a partial vector, the real 100, a width past two panels), and one
     * thread against two bit for bit.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 17, 100, 257})
    void everyBackendTrainsAnyWidthAsNaiveDoes(int hidden) throws Exception {
        Cifar10 data = Generated.set(80, 20, 15);
        TrainConfig naiveConfig = new TrainConfig(Backend.NAIVE, 1, 16, 1e-4f, 1e-4f, 1, 3, true, tmp.resolve("n" + hidden),
                null, null, hidden);
        Trainer.Result naive = train(naiveConfig, data);
        assertEquals(hidden, naive.network().hidden());
        for (Backend backend : new Backend[] {Backend.BLOCKED, Backend.SIMD}) {
            Trainer.Result[] runs = new Trainer.Result[2];
            for (int threads = 1; threads <= 2; threads++) {
                runs[threads - 1] = train(new TrainConfig(backend, threads, 16, 1e-4f, 1e-4f, 1, 3, true,
                        tmp.resolve(backend + "-" + threads + "-" + hidden), null, null, hidden), data);
            }
            assertArrayEquals(runs[0].network().w1(), runs[1].network().w1(), backend + " width " + hidden + ": 1 vs 2 threads");
            float[][] ours = {runs[0].network().w1(), runs[0].network().w2()};
            float[][] spec = {naive.network().w1(), naive.network().w2()};
            for (int layer = 0; layer < 2; layer++) {
                double scale = 0, worst = 0;
                for (float v : spec[layer]) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int e = 0; e < spec[layer].length; e++) {
                    worst = Math.max(worst, Math.abs(ours[layer][e] - spec[layer][e]));
                }
                assertTrue(worst <= 1e-4 * scale, backend + " width " + hidden + " W" + (layer + 1)
                        + ": max |difference| " + worst + " against max |W| " + scale);
            }
        }
    }
}
