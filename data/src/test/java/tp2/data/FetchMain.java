package tp2.data;

import java.net.URI;
import java.nio.file.Path;

/** A fetch in a process of its own, for the test that terminates one: FetchMain URL TARGET. */
public final class FetchMain {
    private FetchMain() {}

    public static void main(String[] args) throws Exception {
        new Cifar10Fetcher(URI.create(args[0]), "0123456789abcdef0123456789abcdef", -1, SmallCifar.RECORDS)
                .timeouts(30_000, 30_000).fetch(Path.of(args[1]), Cifar10Fetcher.Progress.NONE);
    }
}
