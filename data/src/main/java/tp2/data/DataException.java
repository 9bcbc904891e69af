package tp2.data;

/** The data set is missing, damaged or could not be fetched; the message is one line saying which and why. */
public final class DataException extends Exception {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
