package tp2.kernels;

/** Scalar helpers every backend uses the same way, so that they give the same bits. */
final class ScalarMath {
    private ScalarMath() {}

    /** 0 for a subnormal {@code v} (|v| &lt; Float.MIN_NORMAL, zero included), v otherwise (NaN too). */
    static float flushSubnormal(float v) {
        return Math.abs(v) < Float.MIN_NORMAL ? 0f : v;
    }

    /**
     * The first index of the largest value of s[offset, offset + n): an index replaces the best so
     * far only when strictly greater (so a NaN neither wins nor is beaten), in one pass with the best
     * value in a register.
     */
    static int argmax(float[] s, int offset, int n) {
        int best = 0;
        float bestValue = s[offset];
        for (int j = 1; j < n; j++) {
            float v = s[offset + j];
            if (v > bestValue) {
                bestValue = v;
                best = j;
            }
        }
        return best;
    }

    /** Rows of s (m x n) whose {@link #argmax} equals the label. Ten classes are shorter than a vector, so simd uses this loop too. */
    static int countCorrect(float[] s, int[] labels, int m, int n) {
        int correct = 0;
        for (int i = 0; i < m; i++) {
            if (argmax(s, i * n, n) == labels[i]) {
                correct++;
            }
        }
        return correct;
    }
}
