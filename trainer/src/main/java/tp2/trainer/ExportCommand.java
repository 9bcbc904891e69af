package tp2.trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tp2 export}: a checkpoint's weights as NumPy files. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write W1.npy ((k+1) x hidden, 3073x100) and W2.npy ((hidden+1) x classes, 101x10): float32, "
                + "little-endian, C order; row 0 of each is the bias. Load them with numpy.load.")
final class ExportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A model.ckpt written by train")
    Path checkpoint;

    @Option(names = "--npy", required = true, paramLabel = "DIR", description = "Folder to write W1.npy and W2.npy into")
    Path npy;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        if (!Files.exists(checkpoint)) {   // anything else that is not a checkpoint: Checkpoint.load names it
            throw new CommandLine.ParameterException(cli, "--checkpoint " + checkpoint + ": no such file");
        }
        Checkpoint c = Checkpoint.load(checkpoint);
        Files.createDirectories(npy);
        // both or neither: a full disk while writing W2 must not leave a new W1 beside an old W2
        tp2.data.SafeFiles.writeAllAtomically(new Path[] {npy.resolve("W1.npy"), npy.resolve("W2.npy")},
                new byte[][] {Npy.encode(c.w1, c.k + 1, c.hidden), Npy.encode(c.w2, c.hidden + 1, c.classes)}, false);
        cli.getOut().printf("wrote %s (%dx%d) and %s (%dx%d)%n", npy.resolve("W1.npy"), c.k + 1, c.hidden,
                npy.resolve("W2.npy"), c.hidden + 1, c.classes);
        return 0;
    }
}
