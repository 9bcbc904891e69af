package tp2.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or careless user can hand the trainer: every case ends in one line and the right
 * exit code, never a stack trace, a hang, or a lost result.
 */
class HostileInputTest {
    @TempDir
    Path tmp;
    private Path data;

    @BeforeEach
    void smallData() throws Exception {
        data = Generated.writeFolder(tmp.resolve("cifar"), 40, 21);   // 200 training images
    }

    private String[] train(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--records-per-file", "40",
                "--batch-size", "16", "--epochs", "1", "--backend", "blocked"));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    /** Runs the CLI and checks the promise: one line on stderr, no stack trace, the expected code. */
    private static CliTest.Run expect(int code, String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(code, r.code(), "exit code; stderr: " + r.err() + " stdout: " + r.out());
        if (code != 0) {
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        return r;
    }

    @Test
    void batchSizesBeyondWhatFitsAreUsageErrorsNamingTheLimit() {
        assertTrue(expect(2, train("--batch-size", "700000")).err().contains("--batch-size must be between 1 and 65536, got 700000"));
        assertTrue(expect(2, train("--batch-size", "201", "--out", tmp.resolve("b").toString())).err()
                .contains("--batch-size 201 is more than the 200 training images"));
        assertFalse(Files.exists(tmp.resolve("b")), "a refused start leaves no run folder");
    }

    @Test
    void anEmptyOutIsRefused() {
        assertTrue(expect(2, train("--out", "")).err().contains("--out must name a folder"));
    }

    @Test
    void aFolderThatHoldsARunIsRefusedUnlessAskedAndLeftUntouched() throws Exception {
        Path out = tmp.resolve("run");
        expect(0, train("--out", out.toString()));
        byte[] checkpoint = Files.readAllBytes(out.resolve("model.ckpt"));
        byte[] runJson = Files.readAllBytes(out.resolve("run.json"));
        CliTest.Run again = expect(2, train("--out", out.toString(), "--seed", "5"));
        assertTrue(again.err().contains("holds a run (model.ckpt)") && again.err().contains("--overwrite"), again.err());
        assertArrayEquals(checkpoint, Files.readAllBytes(out.resolve("model.ckpt")));
        assertArrayEquals(runJson, Files.readAllBytes(out.resolve("run.json")));
        expect(0, train("--out", out.toString(), "--seed", "5", "--overwrite"));
        assertFalse(java.util.Arrays.equals(checkpoint, Files.readAllBytes(out.resolve("model.ckpt"))));
    }

    @Test
    void aSecondTrainingOnTheSameFolderIsRefusedNamingTheFirst() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        try (RunLock held = RunLock.acquire(out)) {
            CliTest.Run second = expect(2, train("--out", out.toString()));
            assertTrue(second.err().contains("another training is running there (pid " + ProcessHandle.current().pid()),
                    second.err());
        }
        assertFalse(Files.exists(out.resolve("model.ckpt")));
        expect(0, train("--out", out.toString()));   // once released, the folder is free
    }

    @Test
    void aDivergedRunNeverCallsAnotherRunsCheckpointItsOwn() throws Exception {
        Path out = tmp.resolve("run");
        expect(0, train("--out", out.toString()));
        CliTest.Run wild = expect(1, train("--out", out.toString(), "--overwrite", "--lr", "1e4", "--reg", "0"));
        assertTrue(wild.err().contains("training diverged") && wild.err().contains("this run wrote no checkpoint yet"),
                wild.err());
    }

    /** A checkpoint with a valid CRC but nonsense in its header: rewritten field, recomputed CRC. */
    private Path crafted(String name, Consumer<ByteBuffer> edit) throws Exception {
        Path out = tmp.resolve("good");
        if (!Files.exists(out.resolve("model.ckpt"))) {
            expect(0, train("--out", out.toString()));
        }
        byte[] bytes = Files.readAllBytes(out.resolve("model.ckpt"));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(b);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        b.putInt(bytes.length - 4, (int) crc.getValue());
        Path file = Files.createDirectories(tmp.resolve(name)).resolve("model.ckpt");
        Files.write(file, bytes);
        return file;
    }

    private String[] resume(Path checkpoint) {
        return new String[] {"train", "--data", data.toString(), "--records-per-file", "40", "--epochs", "2",
            "--resume", checkpoint.toString()};
    }

    @Test
    void checkpointHeadersAreValidatedAsTheCommandLineIs() throws Exception {
        String[][] cases = {{"24", "-5", "batch size -5"}, {"24", "0", "batch size 0"}};
        for (String[] c : cases) {
            Path file = crafted("batch" + c[1], b -> b.putInt(Integer.parseInt(c[0]), Integer.parseInt(c[1])));
            assertTrue(expect(1, resume(file)).err().contains(c[2]));
        }
        Path uphill = crafted("lr", b -> b.putFloat(28, -1f));
        assertTrue(expect(1, resume(uphill)).err().contains("lr -1.0"));
        Path nanReg = crafted("reg", b -> b.putFloat(32, Float.NaN));
        assertTrue(expect(1, "evaluate", "--checkpoint", nanReg.toString(), "--data", data.toString(),
                "--records-per-file", "40").err().contains("reg NaN"));
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheFirst() throws Exception {
        int w1Start = 60 + 4 * 3072;
        Path file = crafted("nan", b -> b.putFloat(w1Start + 4 * (2 * 100 + 7), Float.NaN));
        CliTest.Run r = expect(1, "evaluate", "--checkpoint", file.toString(), "--data", data.toString(),
                "--records-per-file", "40");
        assertTrue(r.err().contains("W1[2][7] is NaN"), r.err());
        assertFalse(r.out().contains("test accuracy"), r.out());
    }

    @Test
    void resumeRefusesOptionsItWouldIgnore() throws Exception {
        Path out = tmp.resolve("run");
        expect(0, train("--out", out.toString()));
        for (String[] option : new String[][] {{"--lr", "0.5"}, {"--reg", "0"}, {"--seed", "3"}, {"--no-shuffle"}}) {
            List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--records-per-file", "40",
                    "--epochs", "2", "--resume", out.resolve("model.ckpt").toString()));
            args.addAll(List.of(option));
            CliTest.Run r = expect(2, args.toArray(new String[0]));
            assertTrue(r.err().contains(option[0] + ": a resumed run keeps its checkpoint's settings"), r.err());
        }
        // --batch-size, given explicitly, too (train() passes it)
        assertTrue(expect(2, train("--epochs", "2", "--resume", out.resolve("model.ckpt").toString())).err()
                .contains("--batch-size: a resumed run keeps"));
    }

    @Test
    void fifosAreRefusedNotWaitedFor() throws Exception {
        Path fifo = tmp.resolve("model.ckpt");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");
        assertTrue(expect(2, resume(fifo)).err().contains("not a regular file"));
        assertTrue(expect(1, "evaluate", "--checkpoint", fifo.toString(), "--data", data.toString(),
                "--records-per-file", "40").err().contains("not a regular file"));
        Path npy = Files.createDirectories(tmp.resolve("npy"));
        new ProcessBuilder("mkfifo", npy.resolve("W1.npy").toString()).start().waitFor();
        Npy.write(npy.resolve("W2.npy"), new float[101 * 10], 101, 10);
        assertTrue(expect(2, train("--init", npy.toString())).err().contains("W1.npy: not a regular file"));
    }

    @Test
    void exportReplacesALinkAtTheDestinationInsteadOfWritingThroughIt() throws Exception {
        Path out = tmp.resolve("run");
        expect(0, train("--out", out.toString()));
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious");
        Path npy = Files.createDirectories(tmp.resolve("npy"));
        Files.createSymbolicLink(npy.resolve("W1.npy"), victim);
        expect(0, "export", "--checkpoint", out.resolve("model.ckpt").toString(), "--npy", npy.toString());
        assertEquals("precious", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(npy.resolve("W1.npy")));
        assertEquals(3073, Npy.header(npy.resolve("W1.npy")).rows());
    }

    @Test
    void runFilesFollowTheUmask() throws Exception {
        Path out = tmp.resolve("run");
        expect(0, train("--out", out.toString()));
        Path probe = Files.createFile(tmp.resolve("probe"));
        for (String file : new String[] {"model.ckpt", "run.json", "metrics.csv", "metrics.json", "curves.png"}) {
            assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(out.resolve(file)), file);
        }
    }

    /** Results that cannot be written to stdout (a full device, a closed pipe) are a failure, not a success. */
    @Test
    void aFailedWriteToStdoutIsExitCodeOne() {
        Writer full = new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void flush() throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void close() {}
        };
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"info"}, new PrintWriter(full, true), new PrintWriter(err, true));
        assertEquals(1, code);
        assertTrue(err.toString().contains("cannot write to standard output"), err.toString());
    }

    @Test
    void anErrorIsOneLineToo() {
        assertEquals("out of memory (Java heap space); give the JVM more with -Xmx (jvm.flags) or ask for less",
                Main.describe(new OutOfMemoryError("Java heap space")));
    }
}
