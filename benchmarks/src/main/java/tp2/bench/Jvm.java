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
     * Foreground compilation: with background compilation JDK 17's C2 often left the simd
     * micro-kernel at half speed for a whole fork (README, "Results"), which made one-thread rows
     * and the gate's baseline bimodal. ./tp2 train does not use it (two threads measured slower).
     */
    static final String BATCH = "-Xbatch";

    private Jvm() {}
}
