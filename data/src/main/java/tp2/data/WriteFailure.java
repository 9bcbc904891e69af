package tp2.data;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A failure to write a file (a full disk, a quota), told apart from a failure to read what is being
 * copied into it: a full disk during a fetch is not a damaged archive or a broken download. The
 * message names the file.
 */
final class WriteFailure extends IOException {
    private static final long serialVersionUID = 1L;

    WriteFailure(Path file, IOException cause) {
        super("cannot write " + file + ": " + Cifar10Reader.describe(cause), cause);
    }

    /** {@code out}, whose write, flush and close failures become WriteFailures naming {@code file}. */
    static OutputStream naming(Path file, OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new WriteFailure(file, e);
                }
            }

            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw new WriteFailure(file, e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw new WriteFailure(file, e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new WriteFailure(file, e);
                }
            }
        };
    }
}
