package tp2.kernels;

import java.util.Locale;

/** The three backends, by CLI name ({@code naive}, {@code blocked}, {@code simd}). */
public enum Backend {
    /** The specification: plain loops as the formulas read. */
    NAIVE,
    /** Cache-blocked scalar Java. */
    BLOCKED,
    /** The Vector API with register-blocked micro-kernels. */
    SIMD;

    /** The CLI name: the enum name in lower case. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Why this backend cannot run on this JVM, as a sentence, or null when it can. */
    public String unavailableReason() {
        return this == SIMD ? Simd.unavailableReason() : null;
    }

    /**
     * A new instance of this backend.
     *
     * @throws BackendUnavailableException for simd when {@link Simd#unavailableReason()} gives a
     *     reason; another backend is never substituted, as that would corrupt benchmark numbers
     */
    public Kernels create() {
        switch (this) {
            case NAIVE:
                return new NaiveKernels();
            case BLOCKED:
                return new BlockedKernels();
            default:
                String reason = Simd.unavailableReason();
                if (reason != null) {
                    throw new BackendUnavailableException(reason);
                }
                try {
                    // By name, so that this enum never links against the vector classes itself.
                    return (Kernels) Class.forName("tp2.kernels.SimdKernels").getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new BackendUnavailableException("the simd backend failed to start: " + e);
                }
        }
    }

    /** The backend named {@code name} (case-insensitive), or an exception listing the names. */
    public static Backend fromName(String name) {
        for (Backend b : values()) {
            if (b.cliName().equalsIgnoreCase(name.trim())) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "' (expected naive, blocked or simd)");
    }

    /** The fastest backend this JVM can run: simd when available, else blocked. */
    public static Backend best() {
        return SIMD.unavailableReason() == null ? SIMD : BLOCKED;
    }
}
