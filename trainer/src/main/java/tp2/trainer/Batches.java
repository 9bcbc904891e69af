package tp2.trainer;

import tp2.data.Images;

/**
 * The order of the images in a pass and the pixel mean that centres them. The images stay as bytes;
 * {@link Network#selectBatch} converts a batch while the step gathers it.
 */
public final class Batches {
    private Batches() {}

    /** The per-pixel mean of a set, {@code mean[c] = (1/count) sum_i pixel(i, c)}, summed exactly in long. */
    public static float[] pixelMean(Images images) {
        int d = Images.PIXELS;
        long[] sums = new long[d];
        byte[] pixels = images.pixels();
        for (int i = 0; i < images.count(); i++) {
            int row = i * d;
            for (int c = 0; c < d; c++) {
                sums[c] += pixels[row + c] & 0xFF;
            }
        }
        float[] mean = new float[d];
        for (int c = 0; c < d; c++) {
            mean[c] = images.count() == 0 ? 0f : (float) ((double) sums[c] / images.count());
        }
        return mean;
    }

    /** The permutation of epoch {@code epoch} (from 0): a Fisher-Yates shuffle seeded by (seed, epoch). */
    public static void shuffle(int[] order, long seed, int epoch) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplitMix64 random = new SplitMix64(SplitMix64.mix(seed) ^ SplitMix64.mix(epoch + 0x51F1L));
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** File order: 0, 1, 2, ... */
    public static void identity(int[] order) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /**
     * SplitMix64 (Steele, Lea, Flood 2014): one long of state, so a shuffle is reproducible from its
     * seed on any JDK (java.util.Random's algorithm is specified too, but its state is not exposed).
     */
    static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            state = seed;
        }

        static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        long nextLong() {
            state += 0x9E3779B97F4A7C15L;
            return mix(state);
        }

        /** Uniform in [0, bound) up to a bias below bound / 2^64 (under 3e-15 for 50,000 images). */
        int nextInt(int bound) {
            return (int) Long.remainderUnsigned(nextLong(), bound);
        }
    }
}
