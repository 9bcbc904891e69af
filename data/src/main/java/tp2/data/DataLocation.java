package tp2.data;

import java.nio.file.Path;

/**
 * Where the data set is: {@code --data DIR} if given, else the environment variable
 * {@code TP2_DATA}, else the default home {@code data/cifar-10-batches-bin} of the project
 * (the launcher passes the project folder as {@code -Dtp2.home}).
 */
public final class DataLocation {
    public static final String ENV = "TP2_DATA";
    public static final String HOME_PROPERTY = "tp2.home";

    /** How the location was chosen. */
    public enum Source { OPTION, ENVIRONMENT, DEFAULT_HOME }

    private final Path path;
    private final Source source;

    private DataLocation(Path path, Source source) {
        this.path = path;
        this.source = source;
    }

    public Path path() {
        return path;
    }

    public Source source() {
        return source;
    }

    /** True when nobody named a location, so the trainer may fetch into the default home. */
    public boolean isDefault() {
        return source == Source.DEFAULT_HOME;
    }

    public static DataLocation resolve(Path option) {
        return resolve(option, System.getenv(ENV));
    }

    static DataLocation resolve(Path option, String environment) {
        if (option != null) {
            return new DataLocation(option, Source.OPTION);
        }
        if (environment != null && !environment.isBlank()) {
            return new DataLocation(Path.of(environment.trim()), Source.ENVIRONMENT);
        }
        return new DataLocation(defaultHome(), Source.DEFAULT_HOME);
    }

    /** {@code <project>/data/cifar-10-batches-bin}. */
    public static Path defaultHome() {
        String home = System.getProperty(HOME_PROPERTY);
        Path base = home != null && !home.isBlank() ? Path.of(home) : Path.of("");
        return base.toAbsolutePath().resolve("data").resolve(Cifar10.FOLDER).normalize();
    }

    @Override
    public String toString() {
        switch (source) {
            case OPTION:
                return path + " (--data)";
            case ENVIRONMENT:
                return path + " (" + ENV + ")";
            default:
                return path + " (default home)";
        }
    }
}
