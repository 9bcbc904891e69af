package tp2.kernels;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/** Which backends a test run covers, and the shared helpers of the kernel tests. */
final class TestBackends {
    /** Float machine epsilon, 2^-23, the unit of every error score. */
    static final double EPS = Math.ulp(1f);
    /** Value written around outputs; a kernel that touches it has written out of bounds. */
    static final float SENTINEL = -12345.678f;
    /** Floats of sentinel after every output buffer. */
    static final int GUARD = 37;

    private TestBackends() {}

    /**
     * Backends under test: all three, or the list in -Dkernels.backends (the extra surefire runs
     * with narrower vectors test simd only). Simd skips with its reason when unavailable, unless
     * -Dkernels.requireSimd=true, when it fails instead.
     */
    static Stream<Backend> backends() {
        String only = System.getProperty("kernels.backends", "");
        if (only.isBlank()) {
            return Stream.of(Backend.values());
        }
        return Arrays.stream(only.split(",")).map(Backend::fromName);
    }

    /** Backends other than naive, which is the reference. */
    static Stream<Backend> candidates() {
        return backends().filter(b -> b != Backend.NAIVE);
    }

    /** A new instance of {@code backend}; skips or fails (see {@link #backends()}) when it cannot run. */
    static Kernels create(Backend backend) {
        String reason = backend.unavailableReason();
        if (reason != null) {
            if (Boolean.getBoolean("kernels.requireSimd")) {
                fail(backend.cliName() + " is required (-Dkernels.requireSimd=true) but unavailable: " + reason);
            }
            assumeTrue(false, backend.cliName() + " skipped: " + reason);
        }
        return backend.create();
    }

    static float[] gaussian(Random random, int length) {
        float[] a = new float[length];
        for (int e = 0; e < length; e++) {
            a[e] = (float) random.nextGaussian();
        }
        return a;
    }

    /** An array of {@code length} floats followed by {@link #GUARD} sentinels, all sentinel. */
    static float[] guarded(int length) {
        float[] a = new float[length + GUARD];
        Arrays.fill(a, SENTINEL);
        return a;
    }

    /** Fails unless a[from..to) is still all sentinel. */
    static void assertSentinels(float[] a, int from, int to, String what) {
        for (int e = from; e < to; e++) {
            if (Float.floatToRawIntBits(a[e]) != Float.floatToRawIntBits(SENTINEL)) {
                fail(what + ": element " + e + " outside the output was overwritten with " + a[e]);
            }
        }
    }

    static void assertUnchanged(float[] before, float[] after, String what) {
        if (!Arrays.equals(before, after)) {
            int e = Arrays.mismatch(before, after);
            fail(what + ": input changed at element " + e + ": " + before[e] + " -> " + after[e]);
        }
    }

    /**
     * Publishes a result line to JUnit's report and prints it, so that surefire keeps it in
     * target/surefire-reports/*-output.txt.
     */
    static void report(org.junit.jupiter.api.TestReporter reporter, String line) {
        reporter.publishEntry("worst", line);
        System.out.println(line);
    }

    static String shape(int m, int k, int n) {
        return String.format(Locale.ROOT, "m=%d k=%d n=%d", m, k, n);
    }
}
