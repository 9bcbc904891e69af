package tp2.trainer;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tp2.data.Cifar10;
import tp2.data.Cifar10Fetcher;
import tp2.data.Cifar10Reader;
import tp2.data.DataLocation;

/** {@code tp2 data}: the data set's own commands. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Fetch or check the CIFAR-10 data set.",
        subcommands = {DataCommand.Fetch.class, DataCommand.Check.class})
final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download the official cifar-10-binary.tar.gz, verify its size and MD5, and extract its "
                    + "batches safely into the data folder.")
    static final class Fetch implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR", description = "Folder to create (default: $TP2_DATA, else data/cifar-10-batches-bin)")
        Path data;

        @Option(names = "--url", paramLabel = "URL", description = "Download from here instead (default: the official address)")
        URI url;

        @Option(names = "--md5", paramLabel = "HEX", description = "Expected MD5 of the archive (default: the official one)")
        String md5;

        @Option(names = "--max-bytes", paramLabel = "N", description = "With --url and no Content-Length: stop after N bytes "
                + "(default: 268435456, 256 MiB; the official archive is 170 MB)")
        Long maxBytes;

        @Option(names = "--records-per-file", hidden = true, defaultValue = "10000")
        int recordsPerFile;

        @Override
        public Integer call() throws Exception {
            CommandLine cli = spec.commandLine();
            if ((url == null) != (md5 == null)) {
                throw new CommandLine.ParameterException(cli, "--url and --md5 go together");
            }
            if (maxBytes != null && maxBytes < 1) {
                throw new CommandLine.ParameterException(cli, "--max-bytes must be at least 1, got " + maxBytes);
            }
            Cifar10Fetcher fetcher;
            try {
                fetcher = url == null ? new Cifar10Fetcher() : new Cifar10Fetcher(url, md5, -1, recordsPerFile);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, e.getMessage());
            }
            if (maxBytes != null) {
                fetcher.maxBytes(maxBytes);
            }
            Path target = DataLocation.resolve(data).path();
            cli.getOut().println("fetching " + fetcher.url() + " into " + target);
            cli.getOut().flush();
            Path installed = fetcher.fetch(target, ConsoleProgress.download());
            Cifar10 set = new Cifar10Reader(recordsPerFile).read(installed);
            cli.getOut().printf("installed %s: %,d training and %,d test images, checksum verified%n", installed,
                    set.train().count(), set.test().count());
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Read and validate the data set, and time it.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DataOptions dataOptions;

        @Override
        public Integer call() throws Exception {
            long start = System.nanoTime();
            Cifar10 set = dataOptions.load(spec.commandLine(), spec.commandLine().getOut());
            double seconds = (System.nanoTime() - start) / 1e9;
            spec.commandLine().getOut().printf("%s: valid, %,d training and %,d test images, classes %s, read in %.2f s%n",
                    set.source(), set.train().count(), set.test().count(), String.join(" ", set.classNames()), seconds);
            return 0;
        }
    }
}
