package tp2.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line: bad input is one line and exit code 2; a small end-to-end run works. */
class CliTest {
    @TempDir
    Path tmp;
    private Path data;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void smallData() throws Exception {
        data = Generated.writeFolder(tmp.resolve("cifar"), 40, 21);
    }

    /** Continuing a checkpoint: no --batch-size, which a resumed run takes from the checkpoint. */
    private String[] resume(Path checkpoint, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--records-per-file", "40",
                "--resume", checkpoint.toString()));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    private String[] train(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--records-per-file", "40",
                "--batch-size", "16", "--out", tmp.resolve("run").toString()));
        args.addAll(List.of(extra));
        return args.toArray(new String[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--backend=fast       | --backend: unknown backend 'fast'",
        "--batch-size=0       | --batch-size must be between 1 and 65536, got 0",
        "--batch-size=-5      | --batch-size must be between 1 and 65536, got -5",
        "--epochs=0           | --epochs must be at least 1, got 0",
        "--epochs=-1          | --epochs must be at least 1, got -1",
        "--threads=0          | --threads must be at least 1, got 0",
        "--threads=-2         | --threads must be at least 1, got -2",
        "--threads=1000       | --threads 1000: this machine has ",
        "--lr=NaN             | --lr must be a finite number above 0, got NaN",
        "--lr=Infinity        | --lr must be a finite number above 0, got Infinity",
        "--lr=0               | --lr must be a finite number above 0, got 0.0",
        "--lr=-1e-3           | --lr must be a finite number above 0",
        "--reg=-1             | --reg must be a finite number, 0 or more, got -1.0",
        "--batch-size=abc     | Invalid value for option '--batch-size'",
        "--bogus              | Unknown option: '--bogus'",
        "--resume=/nonexistent/model.ckpt | --resume /nonexistent/model.ckpt: no such file",
        "--hidden=0           | --hidden must be between 1 and 4096, got 0",
        "--hidden=4097        | --hidden must be between 1 and 4096, got 4097",
    })
    void badOptionsAreOneLineAndExitCodeTwo(String option, String expected) {
        Run r = run(train(option));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void aMissingDataFolderIsAUsageError() {
        Run r = run("train", "--data", tmp.resolve("nowhere").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--data " + tmp.resolve("nowhere") + ": no such folder or file"), r.err());
    }

    @Test
    void anUnwritableOutIsAUsageError() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run r = run(train("--out", file.resolve("sub").toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--out " + file.resolve("sub") + ": cannot write there"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void damagedDataIsARuntimeFailureNamingTheFile() throws Exception {
        Files.write(data.resolve("data_batch_2.bin"), new byte[10]);
        Run r = run(train());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("data_batch_2.bin: expected"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void trainEvaluateExportAndInitEndToEnd() throws Exception {
        Run trained = run(train("--epochs", "2", "--backend", "blocked", "--threads", "2"));
        assertEquals(0, trained.code(), trained.err());
        assertTrue(trained.out().contains("epoch 1/2"), trained.out());
        assertTrue(trained.out().contains("epoch 2/2"), trained.out());
        Path runDir = tmp.resolve("run");
        for (String file : new String[] {"metrics.csv", "metrics.json", "curves.png", "run.json", "model.ckpt"}) {
            assertTrue(Files.size(runDir.resolve(file)) > 0, file);
        }
        assertEquals(EpochMetrics.CSV_HEADER, Files.readAllLines(runDir.resolve("metrics.csv")).get(0));
        assertTrue(Files.readString(runDir.resolve("run.json")).contains("\"backend\" : \"blocked\""));

        Path ckpt = runDir.resolve("model.ckpt");
        Run evaluated = run("evaluate", "--checkpoint", ckpt.toString(), "--data", data.toString(),
                "--records-per-file", "40");
        assertEquals(0, evaluated.code(), evaluated.err());
        assertTrue(evaluated.out().contains("test accuracy"), evaluated.out());
        assertTrue(evaluated.out().contains("airplane"), evaluated.out());
        assertEquals(12, evaluated.out().lines().count(), evaluated.out());

        Path npy = tmp.resolve("npy");
        Run exported = run("export", "--checkpoint", ckpt.toString(), "--npy", npy.toString());
        assertEquals(0, exported.code(), exported.err());
        Checkpoint c = Checkpoint.load(ckpt);
        org.junit.jupiter.api.Assertions.assertArrayEquals(c.w1, Npy.read(npy.resolve("W1.npy"), 3073, 100));

        Run fromInit = run(train("--epochs", "1", "--init", npy.toString(), "--out", tmp.resolve("run2").toString()));
        assertEquals(0, fromInit.code(), fromInit.err());

        Run resumed = run(resume(ckpt, "--epochs", "3"));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("epoch 3/3") && !resumed.out().contains("epoch 1/3"), resumed.out());
    }

    /** The width comes from --hidden, or from the checkpoint or the .npy files, which must agree with it. */
    @Test
    void theHiddenWidthIsAnOptionAndTravelsWithTheWeights() throws Exception {
        Run narrow = run(train("--epochs", "1", "--hidden", "17", "--backend", "simd"));
        assertEquals(0, narrow.code(), narrow.err());
        assertTrue(narrow.out().contains("hidden 17"), narrow.out());
        Path ckpt = tmp.resolve("run").resolve("model.ckpt");
        assertEquals(17, Checkpoint.load(ckpt).hidden);
        assertTrue(Files.readString(tmp.resolve("run").resolve("run.json")).contains("\"hidden\" : 17"));

        Run resumed = run(resume(ckpt, "--epochs", "2"));
        assertEquals(0, resumed.code(), resumed.err());
        Run wrongResume = run(resume(ckpt, "--epochs", "3", "--hidden", "100"));
        assertEquals(2, wrongResume.code(), wrongResume.err());
        assertTrue(wrongResume.err().contains("--hidden 100: the checkpoint") && wrongResume.err().contains("has 17 hidden units"),
                wrongResume.err());

        Path npy = tmp.resolve("npy17");
        assertEquals(0, run("export", "--checkpoint", ckpt.toString(), "--npy", npy.toString()).code());
        assertEquals(17, Npy.header(npy.resolve("W1.npy")).cols());
        Run fromInit = run(train("--epochs", "1", "--init", npy.toString(), "--out", tmp.resolve("init17").toString()));
        assertEquals(0, fromInit.code(), fromInit.err());
        assertTrue(fromInit.out().contains("hidden 17"), fromInit.out());
        Run wrongInit = run(train("--epochs", "1", "--init", npy.toString(), "--hidden", "18", "--out", tmp.resolve("w").toString()));
        assertEquals(2, wrongInit.code(), wrongInit.err());
        assertTrue(wrongInit.err().contains("have 17 hidden units"), wrongInit.err());
        Npy.write(npy.resolve("W2.npy"), new float[19 * 10], 19, 10);   // W2 for 18 units beside W1 for 17
        Run mismatch = run(train("--epochs", "1", "--init", npy.toString(), "--out", tmp.resolve("m").toString()));
        assertEquals(2, mismatch.code(), mismatch.err());
        assertTrue(mismatch.err().contains("W2.npy is 19 x 10, but W1.npy's 17 hidden units need 18 x 10"), mismatch.err());

        Run evaluated = run("evaluate", "--checkpoint", ckpt.toString(), "--data", data.toString(), "--records-per-file", "40");
        assertEquals(0, evaluated.code(), evaluated.err());
    }

    @Test
    void infoAndHelpWork() {
        Run info = run("info");
        assertEquals(0, info.code());
        assertTrue(info.out().contains("backend  naive    usable"), info.out());
        Run help = run("train", "--help");
        assertEquals(0, help.code());
        for (String option : new String[] {"--backend", "--threads", "--batch-size", "--lr", "--reg", "--epochs",
            "--seed", "--no-shuffle", "--out", "--resume", "--init", "--hidden", "--data"}) {
            assertTrue(help.out().contains(option), option + " in\n" + help.out());
        }
    }

    /** An error only a bug can cause names TP2_DEBUG; with it, the stack trace follows the line. */
    @Test
    void aBugPointsAtTheDebugSwitchWhichPrintsTheStackTrace() {
        StringWriter plain = new StringWriter();
        Main.report(new PrintWriter(plain, true), "tp2 train", new NullPointerException("\"w\" is null"), false);
        String line = plain.toString().trim();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("tp2 train: \"w\" is null (a bug in tp2: run again with TP2_DEBUG=1"), line);

        StringWriter debug = new StringWriter();
        Main.report(new PrintWriter(debug, true), "tp2 train", new NullPointerException("\"w\" is null"), true);
        String text = debug.toString();
        assertTrue(text.startsWith("tp2 train: \"w\" is null\n") || text.startsWith("tp2 train: \"w\" is null\r\n"), text);
        assertTrue(text.contains("java.lang.NullPointerException") && text.contains("\tat "), text);

        StringWriter ordinary = new StringWriter();
        Main.report(new PrintWriter(ordinary, true), "tp2 train", new IllegalArgumentException("--lr -1: must be positive"), false);
        assertEquals("tp2 train: --lr -1: must be positive", ordinary.toString().trim());
    }

    /** A plot that cannot be written does not turn a finished, saved training into a failure. */
    @Test
    void aFinishedRunWhosePlotCannotBeWrittenStillSucceeds() throws Exception {
        Path blocker = Files.createDirectories(tmp.resolve("run").resolve("curves.png"));   // a folder where the plot goes
        Files.writeString(blocker.resolve("keep"), "x");
        Run r = run(train("--epochs", "1", "--backend", "blocked", "--threads", "1"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("warning: curves.png not drawn"), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("tp2")).count(), r.err());
        assertTrue(Files.size(tmp.resolve("run").resolve("model.ckpt")) > 0);
        assertTrue(Files.readString(tmp.resolve("run").resolve("metrics.csv")).lines().count() == 2);
    }

    /** Two runs started in the same second without --out each claim their own folder. */
    @Test
    void runsStartedInTheSameSecondGetTheirOwnFolders() throws Exception {
        Path base = tmp.resolve("runs").resolve("20261206-120000");
        Path first = TrainCommand.claimRunFolder(base);
        Path second = TrainCommand.claimRunFolder(base);
        Path third = TrainCommand.claimRunFolder(base);
        assertEquals(base, first);
        assertEquals(tmp.resolve("runs").resolve("20261206-120000-2"), second);
        assertEquals(tmp.resolve("runs").resolve("20261206-120000-3"), third);
        assertTrue(Files.isDirectory(second) && Files.isDirectory(third));
    }

    /** A run stopped before its first epoch ended left run.json alone: the same command starts again there. */
    @Test
    void aFolderWhoseRunEndedBeforeItsFirstEpochCanBeUsedAgain() throws Exception {
        Path runDir = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(runDir.resolve("run.json"), "{ \"epochs_done\" : 0 }");
        Run r = run(train("--epochs", "1", "--backend", "blocked", "--threads", "1"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(runDir.resolve("model.ckpt")) > 0);
    }

    /** A damaged line of metrics.csv is not silently dropped on resume: the file is kept as it was, and said so. */
    @Test
    void aDamagedMetricsLineIsKeptWhenAResumedRunRewritesTheFile() throws Exception {
        Run first = run(train("--epochs", "1", "--backend", "blocked", "--threads", "1"));
        assertEquals(0, first.code(), first.err());
        Path csv = tmp.resolve("run").resolve("metrics.csv");
        String original = Files.readString(csv) + "2,garbage\n";
        Files.writeString(csv, original);
        Run resumed = run(resume(tmp.resolve("run").resolve("model.ckpt"), "--epochs", "2", "--backend", "blocked",
                "--threads", "1"));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("warning: metrics.csv has lines that do not read"), resumed.err());
        assertEquals(original, Files.readString(tmp.resolve("run").resolve(RunFiles.DAMAGED)));
        assertEquals(3, Files.readAllLines(csv).size(), "the header and two epochs");
    }
}
