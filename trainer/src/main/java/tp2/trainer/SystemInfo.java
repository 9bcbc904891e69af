package tp2.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tp2.kernels.Backend;
import tp2.kernels.Simd;

/** Facts about this machine and JVM, for banners, run.json and {@code ./tp2 info}. */
public final class SystemInfo {
    private SystemInfo() {}

    public static String jdk() {
        return System.getProperty("java.vm.vendor", "?") + " " + Runtime.version();
    }

    /** The CPU's model name with its family and model numbers, which tell apart CPUs a VM names alike ("AMD EPYC"). */
    public static String cpu() {
        try {
            String name = null, family = null, model = null;
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    if (name != null) {
                        break;   // the end of the first processor's block
                    }
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && name == null) {
                    name = value;
                } else if (key.equals("cpu family") && family == null) {
                    family = value;
                } else if (key.equals("model") && model == null) {
                    model = value;
                }
            }
            if (name != null) {
                return family == null ? name : name + " (family " + family + ", model " + model + ")";
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch", "unknown CPU");
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Why {@code --threads N} is refused: below 1, or more threads than this machine has cores (they
     * would only wait for each other: 1,000 threads on 2 cores ran 8 times slower).
     */
    public static String threadsProblem(int threads) {
        int cores = cores();
        return threads < 1 ? "--threads must be at least 1, got " + threads
                : "--threads " + threads + ": this machine has " + cores + " core" + (cores == 1 ? "" : "s")
                + "; more threads than cores only wait for each other (use 1 to " + cores + ")";
    }

    /** Each backend and whether it can run here, with the reason when it cannot. */
    public static Map<String, String> backends() {
        Map<String, String> usable = new LinkedHashMap<>();
        for (Backend b : Backend.values()) {
            String reason = b.unavailableReason();
            usable.put(b.cliName(), reason == null ? "usable" : "unavailable: " + reason);
        }
        return usable;
    }

    public static String vector() {
        return Simd.describe();
    }
}
