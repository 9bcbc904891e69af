package tp2.trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import tp2.data.Cifar10;
import tp2.data.Images;

/**
 * Small generated data sets for the trainer's tests: images whose class shows in their pixels (a
 * brighter band per class, plus noise), so that a network can learn them.
 */
final class Generated {
    static final List<String> NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private Generated() {}

    static Images images(int count, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * Images.PIXELS];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(10);
            labels[i] = (byte) label;
            for (int c = 0; c < Images.PIXELS; c++) {
                int band = (c / 96) % 10 == label ? 60 : 0;
                pixels[i * Images.PIXELS + c] = (byte) Math.min(255, 60 + band + random.nextInt(120));
            }
        }
        return new Images(pixels, labels);
    }

    static Cifar10 set(int train, int test, long seed) {
        return new Cifar10(images(train, seed), images(test, seed + 1), NAMES, "generated");
    }

    /** Writes a folder in the official layout with {@code records} records per file. */
    static Path writeFolder(Path dir, int records, long seed) throws IOException {
        Files.createDirectories(dir);
        List<String> files = new java.util.ArrayList<>(Cifar10.TRAIN_FILES);
        files.add(Cifar10.TEST_FILE);
        for (String file : files) {
            Images images = images(records, seed++);
            byte[] data = new byte[records * Cifar10.RECORD_BYTES];
            for (int r = 0; r < records; r++) {
                data[r * Cifar10.RECORD_BYTES] = (byte) images.label(r);
                System.arraycopy(images.pixels(), r * Images.PIXELS, data, r * Cifar10.RECORD_BYTES + 1, Images.PIXELS);
            }
            Files.write(dir.resolve(file), data);
        }
        Files.writeString(dir.resolve(Cifar10.META_FILE), String.join("\n", NAMES) + "\n", StandardCharsets.UTF_8);
        return dir;
    }
}
