package tp2.kernels;

/** A backend cannot run on this JVM; the message is one sentence saying why and what to do. */
public final class BackendUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String reason) {
        super(reason);
    }
}
