package tp2.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Saving a checkpoint onto a full file system fails with an IOException and leaves the previous
 * checkpoint whole and no temporary file behind. Needs a small file system to fill: .ci/run mounts
 * a 1 MiB tmpfs and names it in TP2_SMALL_FS; without one the test skips and says so.
 */
class FullDiskTest {
    @Test
    void aFullDiskKeepsThePreviousCheckpoint() throws Exception {
        String small = System.getenv("TP2_SMALL_FS");
        assumeTrue(small != null && !small.isBlank(), "TP2_SMALL_FS is not set: no small file system to fill");
        Path dir = Files.createTempDirectory(Path.of(small), "full");
        Path file = dir.resolve("model.ckpt");
        Checkpoint first = CheckpointTest.sample(new Random(1));
        first.save(file);
        Path filler = dir.resolve("filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);   // until the file system is full
            }
        } catch (IOException full) {
            // expected: No space left on device
        }
        Checkpoint second = CheckpointTest.sample(new Random(2));
        assertThrows(IOException.class, () -> second.save(file));
        assertArrayEquals(first.w1, Checkpoint.load(file).w1, "the previous checkpoint is intact");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "only the checkpoint and the filler: no temporary file left");
        }
        Files.delete(filler);
        second.save(file);
        assertArrayEquals(second.w1, Checkpoint.load(file).w1, "with space again, saving works");
    }
}
