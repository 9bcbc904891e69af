package tp2.bench;

/**
 * The JVM flags of every benchmark fork, named once. {@code @Fork(jvmArgsAppend = ...)} lists
 * them; passing {@code -jvmArgsAppend} on the JMH command line would replace them, not add to them.
 */
final class Jvm {
    static final String VECTOR = "--add-modules=jdk.incubator.vector";
    static final String IGNORE_UNKNOWN = "-XX:+IgnoreUnrecognizedVMOptions";   // lets JDK 17 accept the 25-only flags
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";   // OpenBLAS through JavaCPP, JDK 22+
    static final String UNSAFE = "--sun-misc-unsafe-memory-access=allow";     // JMH itself, JDK 24+
    static final String HEAP = "-Xmx2g";
    /**
     * No Vector API bounds check on each vector load and store, as ./tp2 runs: with runtime strides C2
     * cannot hoist them, and JDK 17 forks measured faster without them (README, "Results"; most of
     * the remaining variance between forks is the VM host's). The kernels check shapes first; the
     * tests keep the checks.
     */
    static final String NO_OOB_CHECK = "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0";

    private Jvm() {}
}
