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

    public static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch", "unknown CPU");
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
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
