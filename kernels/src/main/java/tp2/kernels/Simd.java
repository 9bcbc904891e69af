package tp2.kernels;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether the simd backend can run here, and a one-line description of its setup. Nothing in this
 * class touches a vector class before the module is known to be present, so a missing module reads
 * as a sentence, not as {@code NoClassDefFoundError}.
 */
public final class Simd {
    /** The JVM option that makes the Vector API available. */
    public static final String ADD_MODULES = "--add-modules jdk.incubator.vector";
    /** System property that narrows the vector species (tests only): 128, 256 or 512. */
    public static final String BITS_PROPERTY = "kernels.simd.bits";

    private Simd() {}

    /**
     * The first reason the simd backend cannot run on this JVM, as a sentence, or {@code null} when
     * it can. Checks, in order: the module is present; the requested species is valid; the species
     * is at least 128 bits wide.
     */
    public static String unavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the simd backend needs the Vector API: run java with " + ADD_MODULES
                    + " (the ./tp2 launcher adds it)";
        }
        String requested = System.getProperty(BITS_PROPERTY);
        if (requested != null && !requested.isBlank()) {
            try {
                int bits = Integer.parseInt(requested.trim());
                if (bits != 64 && bits != 128 && bits != 256 && bits != 512) {
                    return "-D" + BITS_PROPERTY + "=" + requested + " is not a vector size (use 128, 256 or 512)";
                }
            } catch (NumberFormatException e) {
                return "-D" + BITS_PROPERTY + "=" + requested + " is not a number (use 128, 256 or 512)";
            }
        }
        int bits = SimdSpecies.bits();
        if (bits < 128) {
            return "the JVM's preferred float vector is only " + bits
                    + " bits; the simd backend needs at least 128 (check -XX:MaxVectorSize and -XX:UseAVX)";
        }
        return null;
    }

    /** True when {@link #unavailableReason()} is null. */
    public static boolean isAvailable() {
        return unavailableReason() == null;
    }

    /**
     * One line for banners and benchmark reports, for example
     * {@code "simd: 256-bit, 8 lanes, fma, 4x3 tile (16 vector registers: AVX2, -XX:UseAVX=2), JDK 17.0.15"}:
     * the species, the register tile the matmuls use and why, or the reason simd is unavailable.
     */
    public static String describe() {
        return describeWithoutJdk() + ", JDK " + Runtime.version();
    }

    /** {@link #describe()} without the JDK, for lines that name it already. */
    public static String describeWithoutJdk() {
        String reason = unavailableReason();
        if (reason != null) {
            return "simd: unavailable (" + reason + ")";
        }
        StringBuilder line = new StringBuilder("simd: ")
                .append(SimdSpecies.bits()).append("-bit, ")
                .append(SimdSpecies.lanes()).append(" lanes");
        Boolean fma = cpuHasFma();
        if (fma != null) {
            line.append(fma ? ", fma" : ", no hardware fma (slow)");
        }
        if (!c2Enabled()) {
            line.append(", C2 off (vector code runs slowly)");
        }
        return line.append(", ").append(SimdShape.reason()).toString();
    }

    /** The register tile of the simd matmuls here ("3x7" or "4x3"), or null when simd is unavailable. */
    public static String tile() {
        return isAvailable() ? SimdShape.forThisJvm().tile() : null;
    }

    /** Lanes of the float species the simd backend uses, or 0 when it is unavailable. */
    public static int lanes() {
        return isAvailable() ? SimdSpecies.lanes() : 0;
    }

    /** Bits of the float species the simd backend uses, or 0 when it is unavailable. */
    public static int bits() {
        return isAvailable() ? SimdSpecies.bits() : 0;
    }

    /** Whether /proc/cpuinfo lists the fma flag; null where that file does not exist. */
    static Boolean cpuHasFma() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (!Files.isReadable(cpuinfo)) {
                return null;
            }
            for (String line : Files.readAllLines(cpuinfo)) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("flags") || lower.startsWith("features")) {
                    return (" " + lower + " ").contains(" fma ") || lower.contains("asimd");
                }
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    /** False when the JVM runs without C2 (for example -XX:TieredStopAtLevel=1 or -XX:-UseCompiler). */
    static boolean c2Enabled() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:TieredStopAtLevel=") && !arg.endsWith("=4")) {
                return false;
            }
            if (arg.equals("-Xint") || arg.equals("-XX:-UseCompiler")) {
                return false;
            }
        }
        return true;
    }
}
