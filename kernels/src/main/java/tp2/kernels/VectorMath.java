package tp2.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The simd backend's elementwise math: the sigmoid in vector lanes and its scalar twin, which
 * give the same bits, so that a vector loop's scalar tail and the lanes agree.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = SimdSpecies.FLOAT;
    private static final int L = S.length();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private VectorMath() {}

    // exp(z) as in Cephes expf: z = n ln2 + r with |r| <= ln2 / 2, a degree-7 polynomial for exp(r),
    // then 2^n built in the exponent bits. Only +, *, fma and bit moves, which give the same bits
    // compiled or interpreted and in vector lanes or scalar code (the Vector API's own EXP may not:
    // its intrinsic and its Java fallback differ in the last bit, which would make results depend
    // on the JIT and so on timing). The scalar twin below performs the same operations in the same order.
    private static final float EXP_HI = 88.3f;            // exp(88.3) < Float.MAX_VALUE; above: +Inf
    private static final float EXP_LO = -87.3f;           // exp(-87.3) is still a normal float
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;     // ln 2 = LN2_HI + LN2_LO, LN2_HI exact in 9 bits
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUNDER = 12582912f;       // 1.5 * 2^23: adding it rounds to an integer
    private static final int ROUNDER_BITS = 0x4B400000;   // its bit pattern
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    private static final FloatVector INF = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector V_NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector V_P2 = FloatVector.broadcast(S, P2);
    private static final FloatVector V_P3 = FloatVector.broadcast(S, P3);
    private static final FloatVector V_P4 = FloatVector.broadcast(S, P4);
    private static final FloatVector V_P5 = FloatVector.broadcast(S, P5);

    /** 1 / (1 + exp(-x)) in lanes; exp(-x) is +Inf for -x > EXP_HI, so the result is 0, never NaN. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector z = x.neg();
        FloatVector zc = z.min(EXP_HI).max(EXP_LO);                 // NaN stays NaN
        FloatVector t = zc.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);                             // round(z log2 e)
        FloatVector r = n.fma(V_NEG_LN2_HI, zc);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, V_P2);
        p = p.fma(r, V_P3);
        p = p.fma(r, V_P4);
        p = p.fma(r, V_P5);
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        FloatVector pow2n = t.viewAsIntegralLanes().sub(ROUNDER_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
        FloatVector e = y.mul(pow2n).blend(INF, z.compare(VectorOperators.GT, EXP_HI));
        return ONE.div(ONE.add(e));
    }

    /** The scalar twin of {@link #sigmoid(FloatVector)}: the same operations, so the same bits. */
    static float sigmoid(float x) {
        float z = -x;
        float zc = Math.max(Math.min(z, EXP_HI), EXP_LO);
        float t = Math.fma(zc, LOG2E, ROUNDER);
        float n = t - ROUNDER;
        float r = Math.fma(n, -LN2_HI, zc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        float pow2n = Float.intBitsToFloat((Float.floatToRawIntBits(t) - (ROUNDER_BITS - 127)) << 23);
        float e = z > EXP_HI ? Float.POSITIVE_INFINITY : y * pow2n;
        return 1f / (1f + e);
    }

    /** out[e] = sigmoid(x[e]) for e in [from, to): vectors, then the scalar twin (same bits) for the tail. */
    static void sigmoid(float[] x, float[] out, int from, int to) {
        int e = from;
        for (int bound = from + S.loopBound(to - from); e < bound; e += L) {
            sigmoid(FloatVector.fromArray(S, x, e)).intoArray(out, e);
        }
        for (; e < to; e++) {   // tail: the scalar twin gives the same bits as a lane
            out[e] = sigmoid(x[e]);
        }
    }
}
