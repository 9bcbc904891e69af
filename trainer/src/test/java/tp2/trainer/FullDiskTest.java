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
    /** What a test does in its folder on the small file system. */
    interface InFolder {
        void run(Path dir) throws Exception;
    }

    /** Runs {@code test} in a new folder on the small file system, then removes the folder (the file system is shared with the next tests and the next JDK's run). */
    private static void onSmallFileSystem(InFolder test) throws Exception {
        String small = System.getenv("TP2_SMALL_FS");
        assumeTrue(small != null && !small.isBlank(), "TP2_SMALL_FS is not set: no small file system to fill");
        Path dir = Files.createTempDirectory(Path.of(small), "full");
        try {
            test.run(dir);
        } finally {
            tp2.data.SafeFiles.deleteTree(dir);
        }
    }

    /** Writes {@code filler} until the file system is full. */
    private static void fill(Path filler) throws IOException {
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // expected: No space left on device
        }
    }

    @Test
    void aFullDiskKeepsThePreviousCheckpoint() throws Exception {
        onSmallFileSystem(FullDiskTest::fillAndSave);
    }

    private static void fillAndSave(Path dir) throws Exception {
        Path file = dir.resolve("model.ckpt");
        Checkpoint first = CheckpointTest.sample(new Random(1));
        first.save(file);
        Path filler = dir.resolve("filler");
        fill(filler);
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

    /** An export that runs out of space while writing W2.npy leaves the old pair, not a new W1 beside an old W2. */
    @Test
    void aFullDiskExportsBothFilesOrNeither() throws Exception {
        onSmallFileSystem(FullDiskTest::fillAndExport);
    }

    private static void fillAndExport(Path dir) throws Exception {
        Path npy = dir.resolve("npy");
        Path first = dir.resolve("first.ckpt"), second = dir.resolve("second.ckpt");
        CheckpointTest.sample(new Random(1)).save(first);
        CheckpointTest.sample(new Random(2)).save(second);
        assertEquals(0, CliTest.run("export", "--checkpoint", first.toString(), "--npy", npy.toString()).code());
        byte[] w1 = Files.readAllBytes(npy.resolve("W1.npy")), w2 = Files.readAllBytes(npy.resolve("W2.npy"));
        Path page = dir.resolve("page");
        Files.write(page, new byte[4096]);   // freed below: room for exactly one small file
        fill(dir.resolve("filler"));
        Files.delete(page);
        CliTest.Run run = CliTest.run("export", "--checkpoint", second.toString(), "--npy", npy.toString());
        assertEquals(1, run.code(), run.out() + run.err());
        org.junit.jupiter.api.Assertions.assertTrue(run.err().contains(npy.toString()), "the message names the file: " + run.err());
        assertArrayEquals(w1, Files.readAllBytes(npy.resolve("W1.npy")), "W1.npy is the first export's");
        assertArrayEquals(w2, Files.readAllBytes(npy.resolve("W2.npy")), "W2.npy is the first export's");
        try (Stream<Path> files = Files.list(npy)) {
            assertEquals(2, files.count(), "no temporary file left");
        }
    }
}
