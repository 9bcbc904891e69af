package tp2.bench;

/**
 * The JVM flags of every benchmark fork: the lines of {@code jvm.flags} (the repository's one list
 * of JVM flags, which the {@code ./tp2} launcher reads) marked {@code all} or {@code fork}, in that
 * order. {@link BenchmarkBase}'s {@code @Fork} lists them, and {@code JvmFlagsTest} fails when this
 * class and the file disagree. Passing {@code -jvmArgsAppend} on the JMH command line would replace
 * them, not add to them.
 */
final class Jvm {
    static final String VECTOR = "--add-modules=jdk.incubator.vector";
    static final String IGNORE_UNKNOWN = "-XX:+IgnoreUnrecognizedVMOptions";
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String UNSAFE = "--sun-misc-unsafe-memory-access=allow";
    static final String NO_OOB_CHECK = "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0";
    static final String HEAP = "-Xmx2g";

    private Jvm() {}
}
