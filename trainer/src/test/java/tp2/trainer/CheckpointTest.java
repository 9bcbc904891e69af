package tp2.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints round-trip exactly; damage of any kind is detected and named. */
class CheckpointTest {
    @TempDir
    Path tmp;

    static Checkpoint sample(Random random) {
        int k = 12, h = 5, c = 3;
        float[] mean = new float[k], w1 = new float[(k + 1) * h], w2 = new float[(h + 1) * c];
        for (float[] a : new float[][] {mean, w1, w2}) {
            for (int e = 0; e < a.length; e++) {
                a[e] = (float) random.nextGaussian();
            }
        }
        return new Checkpoint(k, h, c, 64, 1e-3f, 1e-4f, 42L, true, 7, 42L, mean, w1, w2);
    }

    @Test
    void roundTripIsExact() throws Exception {
        Checkpoint c = sample(new Random(1));
        Path file = tmp.resolve("model.ckpt");
        c.save(file);
        Checkpoint back = Checkpoint.load(file);
        assertArrayEquals(c.w1, back.w1);
        assertArrayEquals(c.w2, back.w2);
        assertArrayEquals(c.mean, back.mean);
        assertEquals(7, back.epoch);
        assertEquals(64, back.batchSize);
        assertEquals(1e-3f, back.lr);
        assertEquals(42L, back.seed);
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file is left");
        }
    }

    @Test
    void everySingleBitFlipAndTruncationIsDetected() throws Exception {
        Random random = new Random(2);
        Path file = tmp.resolve("model.ckpt");
        sample(random).save(file);
        byte[] good = Files.readAllBytes(file);
        for (int trial = 0; trial < 1000; trial++) {
            byte[] bad = good.clone();
            int bit = random.nextInt(bad.length * 8);
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(file, bad);
            Checkpoint.CheckpointException e = assertThrows(Checkpoint.CheckpointException.class,
                    () -> Checkpoint.load(file), "bit " + bit + " flipped");
            assertEquals(1, e.getMessage().lines().count());
        }
        for (int trial = 0; trial < 100; trial++) {
            int length = random.nextInt(good.length);
            Files.write(file, Arrays.copyOf(good, length));
            assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.load(file), "cut to " + length);
        }
    }

    @Test
    void magicVersionAndShapesAreNamed() throws Exception {
        Path file = tmp.resolve("model.ckpt");
        sample(new Random(3)).save(file);
        byte[] good = Files.readAllBytes(file);

        byte[] magic = good.clone();
        magic[0] = 'X';
        Files.write(file, magic);
        assertTrue(assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.load(file)).getMessage()
                .contains("wrong magic"));

        byte[] version = good.clone();
        version[8] = 9;
        Files.write(file, version);
        assertTrue(assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.load(file)).getMessage()
                .contains("checkpoint version 9"));

        byte[] shape = good.clone();
        shape[16] = 6;   // hidden 5 -> 6: the size no longer fits
        Files.write(file, shape);
        assertTrue(assertThrows(Checkpoint.CheckpointException.class, () -> Checkpoint.load(file)).getMessage()
                .contains("shapes 12-6-3 need"));
    }

    /** An export or evaluation beside a running training: every load sees one whole checkpoint, old or new. */
    @Test
    void aLoadWhileSavesRenameNewFilesOverItReadsOneConsistentCopy() throws Exception {
        Random random = new Random(3);
        int k = 3072, h = 100, c = 10;
        float[] mean = new float[k], w1 = new float[(k + 1) * h], w2 = new float[(h + 1) * c];
        Arrays.fill(mean, 0.5f);
        Path file = tmp.resolve("model.ckpt");
        new Checkpoint(k, h, c, 64, 1e-3f, 1e-4f, 1L, true, 0, 1L, mean, w1, w2).save(file);
        java.util.concurrent.atomic.AtomicBoolean saving = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread saver = new Thread(() -> {
            try {
                for (int epoch = 1; epoch <= 60; epoch++) {
                    Arrays.fill(w1, epoch);
                    new Checkpoint(k, h, c, 64, 1e-3f, 1e-4f, 1L, true, epoch, 1L, mean, w1, w2).save(file);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                saving.set(false);
            }
        });
        saver.start();
        int loads = 0;
        while (saving.get() || loads < 20) {
            Checkpoint back = Checkpoint.load(file);   // throws on a mixed or changed read
            assertEquals((float) back.epoch, back.w1[back.w1.length - 1], "one checkpoint's bytes, not two");
            loads++;
        }
        saver.join();
        assertTrue(loads >= 20, "loads " + loads);
    }
}
