package tp2.kernels;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The register tile of the simd matmuls, chosen from the vector registers the JIT can use, as
 * BLIS and OpenBLAS pick a kernel per core type. A tile of R rows x V vectors keeps R x V
 * accumulators, V vectors of B and one broadcast live: 3 x 7 takes 29 of the 32 registers of
 * AVX-512 and NEON, and on the 16 of AVX2 it spills to the stack (a third of the peak); 4 x 3 takes
 * all 16 (C2 keeps them without a spill) and runs at 75-85% of the AVX2 peak (docs/performance.md).
 * Every tile computes every element with the same chain of fma, so the choice changes speed only.
 *
 * <p>The register file is read from the JVM, not timed: {@code -XX:UseAVX} below 3 (an AVX2 or
 * older x86, or a JVM restricted with the flag) leaves C2 16 vector registers; AVX-512 and every
 * 64-bit ARM have 32. {@code -Dkernels.simd.tile=3x7|4x3} overrides it (tests and benchmarks).
 */
final class SimdShape {
    /** System property naming a tile, overriding the machine's: {@code 3x7} or {@code 4x3}. */
    static final String TILE_PROPERTY = "kernels.simd.tile";

    /** 32 registers: 21 accumulators + 7 B vectors + 1 broadcast; 3x6 for exact covers. */
    static final SimdShape WIDE = new SimdShape(MicroKernels.K3X7, MicroKernels.K3X6);
    /** 16 registers: 12 accumulators + 3 B vectors + 1 broadcast; 4x2 for exact covers. */
    static final SimdShape NARROW = new SimdShape(MicroKernels.K4X3, MicroKernels.K4X2);

    /** The main micro-kernel and its companion one vector narrower (MicroKernels constants). */
    final int main;
    final int cover;
    /** Rows and vectors of the main tile. */
    final int rows;
    final int vectors;

    private SimdShape(int main, int cover) {
        this.main = main;
        this.cover = cover;
        this.rows = MicroKernels.rows(main);
        this.vectors = MicroKernels.vectors(main);
        if (MicroKernels.rows(cover) != rows || MicroKernels.vectors(cover) != vectors - 1) {
            throw new IllegalStateException("the cover tile must have the main tile's rows and one vector less");
        }
    }

    /** "4x3": rows x vectors. */
    String tile() {
        return rows + "x" + vectors;
    }

    /** The tile named by {@code name} ("3x7" or "4x3"), or an exception naming both. */
    static SimdShape named(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "3x7":
                return WIDE;
            case "4x3":
                return NARROW;
            default:
                throw new IllegalArgumentException("-D" + TILE_PROPERTY + "=" + name + " is not a tile (use 3x7 or 4x3)");
        }
    }

    /** The tile for this JVM: the property's, else by the register file (see the class comment). */
    static SimdShape forThisJvm() {
        String requested = System.getProperty(TILE_PROPERTY);
        if (requested != null && !requested.isBlank()) {
            return named(requested);
        }
        return vectorRegisters() >= 32 ? WIDE : NARROW;
    }

    /** Why {@link #forThisJvm()} chose what it chose, for the banner: "4x3 tile (16 vector registers: -XX:UseAVX=2)". */
    static String reason() {
        String requested = System.getProperty(TILE_PROPERTY);
        SimdShape shape = forThisJvm();
        if (requested != null && !requested.isBlank()) {
            return shape.tile() + " tile (-D" + TILE_PROPERTY + ")";
        }
        return shape.tile() + " tile (" + REGISTERS.count() + " vector registers: " + REGISTERS.source() + ")";
    }

    /** The vector registers C2 allocates, and what says so ("AVX-512", "64-bit ARM", ...). */
    record Registers(int count, String source) {}

    /** This JVM's {@link Registers}, read once. */
    private static final Registers REGISTERS = readRegisters();

    /**
     * Vector registers C2 allocates: 32 on 64-bit ARM and on x86 with AVX-512 enabled in the JVM
     * ({@code UseAVX} 3), 16 on other x86.
     */
    static int vectorRegisters() {
        return REGISTERS.count();
    }

    private static Registers readRegisters() {
        if (isArm()) {
            return new Registers(32, "64-bit ARM");
        }
        Integer useAvx = useAvx();
        if (useAvx == null) {   // another JVM: only a 512-bit species proves AVX-512
            return new Registers(SimdSpecies.bits() >= 512 ? 32 : 16, SimdSpecies.bits() + "-bit vectors");
        }
        return new Registers(useAvx >= 3 ? 32 : 16,
                useAvx >= 3 ? "AVX-512" : useAvx == 2 ? "AVX2, -XX:UseAVX=2" : "-XX:UseAVX=" + useAvx);
    }

    private static boolean isArm() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("aarch64") || arch.equals("arm64");
    }

    /** HotSpot's UseAVX on x86 (0-3), or null where the JVM has no such option. */
    private static Integer useAvx() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotspot == null ? null : Integer.valueOf(hotspot.getVMOption("UseAVX").getValue());
        } catch (RuntimeException | LinkageError e) {   // no such option (ARM), or no jdk.management module
            return null;
        }
    }
}
