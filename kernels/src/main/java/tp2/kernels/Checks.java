package tp2.kernels;

/** Argument checks shared by every backend, so that each rule and message is written once. */
final class Checks {
    private Checks() {}

    static void matmulBias(float[] x, float[] w, float[] out, int m, int k, int n, int from, int to) {
        dims("matmulBias", m, k, n);
        length("matmulBias", "x", x, (long) m * k, "m x k", m, k);
        length("matmulBias", "w", w, (long) (k + 1) * n, "(k+1) x n", k + 1, n);
        length("matmulBias", "out", out, (long) m * n, "m x n", m, n);
        distinct("matmulBias", "out", out, "x", x);
        distinct("matmulBias", "out", out, "w", w);
        range("matmulBias", from, to, m, "m");
    }

    static void matmulGradW(float[] a, float[] g, float[] dw, int m, int k, int n, int from, int to) {
        dims("matmulGradW", m, k, n);
        length("matmulGradW", "a", a, (long) m * k, "m x k", m, k);
        length("matmulGradW", "g", g, (long) m * n, "m x n", m, n);
        length("matmulGradW", "dw", dw, (long) (k + 1) * n, "(k+1) x n", k + 1, n);
        distinct("matmulGradW", "dw", dw, "a", a);
        distinct("matmulGradW", "dw", dw, "g", g);
        range("matmulGradW", from, to, k + 1, "k+1");
    }

    static void matmulGradX(float[] g, float[] w, float[] gx, int m, int k, int n, int from, int to) {
        dims("matmulGradX", m, k, n);
        length("matmulGradX", "g", g, (long) m * n, "m x n", m, n);
        length("matmulGradX", "w", w, (long) (k + 1) * n, "(k+1) x n", k + 1, n);
        length("matmulGradX", "gx", gx, (long) m * k, "m x k", m, k);
        distinct("matmulGradX", "gx", gx, "g", g);
        distinct("matmulGradX", "gx", gx, "w", w);
        range("matmulGradX", from, to, m, "m");
    }

    static void elementwise(String op, String aName, float[] a, String bName, float[] b, int from, int to,
                            boolean sameAllowed) {
        if (a == null || b == null) {
            throw new IllegalArgumentException(op + ": " + (a == null ? aName : bName) + " is null");
        }
        if (from < 0 || from > to || to > a.length || to > b.length) {
            throw new IllegalArgumentException(op + ": range [" + from + ", " + to + ") does not fit "
                    + aName + " (" + a.length + " floats) and " + bName + " (" + b.length + " floats)");
        }
        if (!sameAllowed) {
            distinct(op, bName, b, aName, a);
        }
    }

    static void loss(String op, float[] s, int[] labels, int m, int n) {
        if (m < 0 || n < 0) {
            throw new IllegalArgumentException(op + ": negative dimension m=" + m + ", n=" + n);
        }
        length(op, "s", s, (long) m * n, "m x n", m, n);
        if (labels == null) {
            throw new IllegalArgumentException(op + ": labels is null");
        }
        if (labels.length < m) {
            throw new IllegalArgumentException(op + ": labels has " + labels.length + " entries, m = " + m
                    + " needs " + m);
        }
        for (int i = 0; i < m; i++) {
            if (labels[i] < 0 || labels[i] >= n) {
                throw new IllegalArgumentException(op + ": labels[" + i + "] = " + labels[i]
                        + " is outside [0, n) with n = " + n);
            }
        }
    }

    static void lossGrad(float[] s, int[] labels, float[] g, int m, int n, int from, int to) {
        loss("squaredErrorGrad", s, labels, m, n);
        range("squaredErrorGrad", from, to, m, "m");
        length("squaredErrorGrad", "g", g, (long) m * n, "m x n", m, n);
        distinct("squaredErrorGrad", "g", g, "s", s);
    }

    static void gather(byte[] pixels, int[] order, int first, float[] mean, float[] x, int m, int d, int c0, int c1,
                       int from, int to) {
        if (pixels == null || order == null || mean == null || x == null) {
            throw new IllegalArgumentException("gatherCentered: an array is null");
        }
        if (m < 0 || d < 0) {
            throw new IllegalArgumentException("gatherCentered: negative dimension m=" + m + ", d=" + d);
        }
        if (c0 < 0 || c0 > c1 || c1 > d) {
            throw new IllegalArgumentException("gatherCentered: columns [" + c0 + ", " + c1 + ") are outside [0, d) = [0, "
                    + d + ")");
        }
        if (first < 0 || (long) first + m > order.length) {
            throw new IllegalArgumentException("gatherCentered: rows [" + first + ", " + ((long) first + m)
                    + ") of order do not fit its " + order.length + " entries");
        }
        if (mean.length < d) {
            throw new IllegalArgumentException("gatherCentered: mean has " + mean.length + " floats, d = " + d + " needs " + d);
        }
        length("gatherCentered", "x", x, (long) m * (c1 - c0), "m x (c1 - c0)", m, c1 - c0);
        range("gatherCentered", from, to, m, "m");
    }

    static void add(float[] a, float[] b, float[] out, int from, int to) {
        if (a == null || b == null || out == null) {
            throw new IllegalArgumentException("add: an array is null");
        }
        if (from < 0 || from > to || to > a.length || to > b.length || to > out.length) {
            throw new IllegalArgumentException("add: range [" + from + ", " + to + ") is outside the arrays (a "
                    + a.length + ", b " + b.length + ", out " + out.length + " floats)");
        }
    }

    static void imageIndex(int image, long images, int row) {
        if (image < 0 || image >= images) {
            throw new IllegalArgumentException("gatherCentered: row " + row + " asks for image " + image
                    + ", outside the " + images + " images");
        }
    }

    private static void dims(String op, int m, int k, int n) {
        if (m < 0 || k < 0 || n < 0) {
            throw new IllegalArgumentException(op + ": negative dimension m=" + m + ", k=" + k + ", n=" + n);
        }
    }

    private static void length(String op, String name, float[] a, long needed, String shape, int rows, int cols) {
        if (a == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (a.length < needed) {
            throw new IllegalArgumentException(op + ": " + name + " has " + a.length + " floats, but "
                    + shape + " = " + rows + " x " + cols + " needs " + needed);
        }
    }

    private static void distinct(String op, String outName, float[] out, String inName, float[] in) {
        if (out == in) {
            throw new IllegalArgumentException(op + ": output " + outName + " is the same array as input " + inName);
        }
    }

    private static void range(String op, int from, int to, int rows, String rowsName) {
        if (from < 0 || from > to || to > rows) {
            throw new IllegalArgumentException(op + ": row range [" + from + ", " + to + ") is outside [0, "
                    + rowsName + ") = [0, " + rows + ")");
        }
    }
}
