package tp2.peers;

import java.nio.file.Path;
import tp2.data.Cifar10;
import tp2.data.Cifar10Reader;
import tp2.data.Images;

/**
 * The peers' command line, the same flags as tp2_numpy.py ({@code --data DIR --epochs N --batch-size
 * B --lr RATE --reg L2 --hidden H}), and the data preparation they share: tp2's own reader (the same
 * files, the same validation), the training set's pixel mean, centred floats, one-hot labels.
 */
final class Args {
    Path data;
    int epochs = 3;
    int batch = 128;
    float lr = 1e-3f;
    float reg = 1e-4f;
    int hidden = 100;

    static Args parse(String[] args) {
        Args a = new Args();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--data" -> a.data = Path.of(v);
                case "--epochs" -> a.epochs = Integer.parseInt(v);
                case "--batch-size" -> a.batch = Integer.parseInt(v);
                case "--lr" -> a.lr = Float.parseFloat(v);
                case "--reg" -> a.reg = Float.parseFloat(v);
                case "--hidden" -> a.hidden = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (a.data == null) {
            throw new IllegalArgumentException("--data DIR is required");
        }
        return a;
    }

    Cifar10 data() throws Exception {
        return new Cifar10Reader().read(data);
    }

    /** The per-pixel mean of the training set, in double, as tp2 computes it. */
    static float[] pixelMean(Images images) {
        double[] sums = new double[Images.PIXELS];
        byte[] pixels = images.pixels();
        for (int i = 0; i < images.count(); i++) {
            for (int c = 0; c < Images.PIXELS; c++) {
                sums[c] += pixels[i * Images.PIXELS + c] & 0xFF;
            }
        }
        float[] mean = new float[Images.PIXELS];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = (float) (sums[c] / images.count());
        }
        return mean;
    }

    /** All images as floats minus the mean, row-major count x 3072. */
    static float[] centred(Images images, float[] mean) {
        float[] x = new float[images.count() * Images.PIXELS];
        byte[] pixels = images.pixels();
        for (int e = 0; e < x.length; e++) {
            x[e] = (pixels[e] & 0xFF) - mean[e % Images.PIXELS];
        }
        return x;
    }

    static float[] oneHot(Images images) {
        float[] y = new float[images.count() * Cifar10.CLASSES];
        for (int i = 0; i < images.count(); i++) {
            y[i * Cifar10.CLASSES + images.label(i)] = 1f;
        }
        return y;
    }

    static int[] labels(Images images) {
        int[] labels = new int[images.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = images.label(i);
        }
        return labels;
    }
}
