package tp2.data;

/**
 * Labelled images kept as their original bytes: {@code pixels[i * 3072 + c]} is channel-planar
 * (1024 red, 1024 green, 1024 blue, each plane row-major 32 x 32), values 0-255 as unsigned bytes.
 * Training converts each batch to floats while gathering it, so the set stays at one byte a pixel.
 */
public final class Images {
    /** Pixel values of one image: 32 x 32 x 3. */
    public static final int PIXELS = 3072;

    private final byte[] pixels;   // count x 3072
    private final byte[] labels;   // count, 0-9

    public Images(byte[] pixels, byte[] labels) {
        if (pixels.length != (long) labels.length * PIXELS) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes, " + labels.length
                    + " images need " + (long) labels.length * PIXELS);
        }
        this.pixels = pixels;
        this.labels = labels;
    }

    public int count() {
        return labels.length;
    }

    /** Label of image {@code i}, 0-9. */
    public int label(int i) {
        return labels[i];
    }

    /** Pixel {@code c} of image {@code i}, 0-255. */
    public int pixel(int i, int c) {
        return pixels[i * PIXELS + c] & 0xFF;
    }

    /** The backing bytes (not a copy): count x 3072 unsigned pixel values. */
    public byte[] pixels() {
        return pixels;
    }

    /** The backing labels (not a copy). */
    public byte[] labels() {
        return labels;
    }
}
