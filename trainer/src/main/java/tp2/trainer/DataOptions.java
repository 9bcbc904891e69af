package tp2.trainer;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import tp2.data.Cifar10;
import tp2.data.Cifar10Fetcher;
import tp2.data.Cifar10Reader;
import tp2.data.DataException;
import tp2.data.DataLocation;

/** {@code --data}, shared by the commands that read the data set; fetches into the default home when needed. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR|FILE",
            description = "CIFAR-10 binary batches: a folder, or the official .tar.gz (default: $TP2_DATA, "
                    + "else data/cifar-10-batches-bin, fetched there on first use)")
    Path data;

    @Option(names = "--records-per-file", hidden = true, defaultValue = "10000",
            description = "Records in each batch file (tests use small files)")
    int recordsPerFile;

    /** Reads and validates the data set; a missing default home is fetched first. */
    Cifar10 load(CommandLine cli, PrintWriter out) throws DataException {
        if (recordsPerFile < 1) {
            throw new CommandLine.ParameterException(cli, "--records-per-file must be at least 1");
        }
        DataLocation location = DataLocation.resolve(data);
        if (location.source() == DataLocation.Source.OPTION && !Files.exists(data)) {
            throw new CommandLine.ParameterException(cli, "--data " + data + ": no such folder or file");
        }
        if (location.isDefault() && !Files.exists(location.path())) {
            out.println("no data set at " + location.path() + ": fetching the official archive (170 MB) there");
            try {
                new Cifar10Fetcher().fetch(location.path(), ConsoleProgress.download());
            } catch (DataException e) {
                throw new DataException("no data set found and fetching it failed: " + e.getMessage()
                        + ". Download " + Cifar10Fetcher.OFFICIAL_URL + " (MD5 " + Cifar10Fetcher.OFFICIAL_MD5
                        + ") another way and point --data (or TP2_DATA) at the archive or its extracted folder");
            }
        }
        return new Cifar10Reader(recordsPerFile).read(location.path());
    }

    String describe() {
        return DataLocation.resolve(data).toString();
    }
}
