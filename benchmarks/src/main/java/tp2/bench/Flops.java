package tp2.bench;

/** Work per call of each benchmark, so that times become GFLOP/s and images/s. */
final class Flops {
    private Flops() {}

    /** 2 m k n for the matmuls (ours and OpenBLAS's); 0 for the rest. */
    static double perCall(BenchResult r) {
        String layer = r.param("layer");
        String m = r.param("m");
        if (r.shortName().equals("PeakBenchmark.fmaPeak") || r.shortName().equals("PeakBenchmark.fmaPeak2")) {
            return PeakBenchmark.FLOPS_PER_CALL;
        }
        if (layer == null || m == null) {
            return 0;
        }
        if (!(r.shortName().startsWith("MatmulBenchmark.") || r.shortName().startsWith("OpenBlasBenchmark."))) {
            return 0;
        }
        Layer shape = Layer.parse(layer);
        return 2.0 * Integer.parseInt(m) * shape.k * shape.n;
    }

    static double gflops(BenchResult r) {
        double flops = perCall(r);
        return flops == 0 ? Double.NaN : flops / r.secondsPerCall() / 1e9 * r.threads();
    }

    /** The OpenBLAS benchmark that does the same product as {@code r}, or null. */
    static String openBlasTwin(BenchResult r) {
        switch (r.shortName()) {
            case "MatmulBenchmark.matmulBias":
                return "OpenBlasBenchmark.forward";
            case "MatmulBenchmark.matmulGradW":
                return "OpenBlasBenchmark.gradW";
            default:
                return null;
        }
    }
}
