package tp2.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** The one float species of the simd backend. Loaded only after {@link Simd} found the module. */
final class SimdSpecies {
    static final VectorSpecies<Float> FLOAT = choose();

    private SimdSpecies() {}

    private static VectorSpecies<Float> choose() {
        String requested = System.getProperty(Simd.BITS_PROPERTY);
        if (requested == null || requested.isBlank()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(Integer.parseInt(requested.trim())));
    }

    static int bits() {
        return FLOAT.vectorBitSize();
    }

    static int lanes() {
        return FLOAT.length();
    }
}
