package tp2.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed (SIGKILL) at random points while it saves checkpoints over and over always
 * leaves a checkpoint that loads: the previous one or the new one, never a torn file.
 */
class CheckpointKillTest {
    static final int KILLS = 20;

    @TempDir
    Path tmp;

    /** The child: saves real-sized checkpoints to args[0] in a loop, epoch counting up, until killed. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        int k = 3072, h = 100, c = 10;
        float[] mean = new float[k];
        float[] w1 = new float[(k + 1) * h];
        float[] w2 = new float[(h + 1) * c];
        System.out.println("ready");
        System.out.flush();
        for (int epoch = 1; ; epoch++) {
            java.util.Arrays.fill(w1, epoch);
            w2[random.nextInt(w2.length)] = epoch;
            new Checkpoint(k, h, c, 128, 1e-3f, 1e-4f, 0, true, epoch, 0, mean, w1, w2).save(file);
        }
    }

    @Test
    void aKilledSaveAlwaysLeavesALoadableCheckpoint() throws Exception {
        Path file = tmp.resolve("model.ckpt");
        Random random = new Random(3);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int lastEpoch = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    CheckpointKillTest.class.getName(), file.toString(), Integer.toString(kill))
                    .redirectErrorStream(true).start();
            child.getInputStream().read();   // wait for "ready": the JVM is up and about to save
            Thread.sleep(20 + random.nextInt(300));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            if (!Files.exists(file)) {
                continue;   // killed before its first save completed: nothing was there to lose
            }
            Checkpoint loaded = Checkpoint.load(file);   // throws on a torn or damaged file
            assertEquals((float) loaded.epoch, loaded.w1[12345], "weights belong to the epoch in the header");
            lastEpoch = Math.max(lastEpoch, loaded.epoch);
        }
        assertTrue(lastEpoch > 0, "some save finished before a kill");
        System.out.println("killed " + KILLS + " times; every checkpoint loaded; last epoch seen " + lastEpoch);
    }

    /** SIGTERM (a plain kill, a scheduler's stop) while saving: the run ends, no temporary file stays behind. */
    @Test
    void aTerminatedSaveLeavesNoTemporaryFile() throws Exception {
        Path file = tmp.resolve("model.ckpt");
        Random random = new Random(4);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int kill = 0; kill < 10; kill++) {
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    CheckpointKillTest.class.getName(), file.toString(), Integer.toString(kill))
                    .redirectErrorStream(true).start();
            child.getInputStream().read();
            Thread.sleep(50 + random.nextInt(300));
            child.destroy();   // SIGTERM: shutdown hooks run
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            try (var files = Files.list(tmp)) {
                java.util.List<Path> left = files.filter(p -> !p.equals(file)).toList();
                assertTrue(left.isEmpty(), "after SIGTERM " + kill + ": " + left);
            }
        }
    }
}
