package tp2.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * This machine's FMA ceiling, measured in the same run as the kernels: 12 independent chains of
 * vector fma (enough to cover a 4-cycle latency on two FMA ports) with no memory traffic, so the
 * time is the FMA throughput alone. One call is {@link #FLOPS_PER_CALL} flops at the preferred
 * species; the report divides every matmul's GFLOP/s by this one's. fmaPeak2 runs the same on two
 * threads at once (each thread's time per call; the machine's peak is twice its GFLOP/s). Run with
 * {@code java -jar benchmarks/target/benchmarks.jar PeakBenchmark}.
 */
@State(Scope.Thread)
public class PeakBenchmark extends BenchmarkBase {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int CHAINS = 12;
    static final int STEPS = 4096;
    /** 2 flops per lane per fma. */
    public static final long FLOPS_PER_CALL = 2L * CHAINS * STEPS * S.length();

    public float multiplier = 0.999999f;
    public float addend = 1e-6f;

    @Benchmark
    public float fmaPeak() {
        return chains();
    }

    @Benchmark
    @Threads(2)
    public float fmaPeak2() {
        return chains();
    }

    private float chains() {
        FloatVector m = FloatVector.broadcast(S, multiplier);
        FloatVector c = FloatVector.broadcast(S, addend);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = FloatVector.broadcast(S, 2f);
        FloatVector a2 = FloatVector.broadcast(S, 3f), a3 = FloatVector.broadcast(S, 4f);
        FloatVector a4 = FloatVector.broadcast(S, 5f), a5 = FloatVector.broadcast(S, 6f);
        FloatVector a6 = FloatVector.broadcast(S, 7f), a7 = FloatVector.broadcast(S, 8f);
        FloatVector a8 = FloatVector.broadcast(S, 9f), a9 = FloatVector.broadcast(S, 10f);
        FloatVector a10 = FloatVector.broadcast(S, 11f), a11 = FloatVector.broadcast(S, 12f);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        FloatVector sum = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
