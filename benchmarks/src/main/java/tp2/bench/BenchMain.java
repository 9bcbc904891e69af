package tp2.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tp2.data.DataLocation;
import tp2.kernels.Simd;
import tp2.trainer.SystemInfo;

/**
 * {@code ./tp2 bench}: runs a subset of the JMH benchmarks and writes the JMH JSON, a markdown
 * report and a bar chart; with {@code --check}, runs the short gate subset and fails (exit 1) on
 * a regression.
 */
@Command(name = "tp2 bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run JMH benchmarks of the kernels and write jmh.json, report.md and report.png.",
            "Default: every kernel at batch 128 for all backends, the FMA peak, OpenBLAS and a training epoch "
                    + "(blocked, simd; 1 and 2 threads): about 15 minutes here (2026-11-27). --check runs the regression gate."})
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--check", description = "Run the gate subset (about 70 s) and check ratio floors and the baseline")
    boolean check;

    @Option(names = "--update-baseline", description = "With --check: write this run's scores as the new baseline")
    boolean updateBaseline;

    @Option(names = "--full", description = "Every benchmark with every parameter as annotated (batch 32, 128, 512; naive epochs): hours")
    boolean full;

    @Option(names = "--include", paramLabel = "REGEX", description = "Run only benchmarks matching this (JMH regex), e.g. 'MatmulBenchmark.matmulBias'")
    String include;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=V1,V2", description = "Override a @Param, e.g. -p m=512 -p backend=simd")
    List<String> params = new ArrayList<>();

    @Option(names = "--forks", paramLabel = "N", description = "JMH forks per benchmark (default: 1)")
    int forks = 1;

    @Option(names = "--out", paramLabel = "DIR", description = "Where results go (default: runs/bench-<timestamp>)")
    Path out;

    @Option(names = "--floors", paramLabel = "FILE", description = "Ratio floors (default: benchmarks/gate/floors.json)")
    Path floors;

    @Option(names = "--baseline", paramLabel = "FILE", description = "Baseline scores (default: benchmarks/gate/baseline.json)")
    Path baseline;

    @Option(names = "--report", paramLabel = "JMH_JSON", description = "Only write the report (and with --check, the gate) of an existing JMH JSON file")
    Path report;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(new BenchMain(), "tp2 bench", args));
    }

    /** Runs a picocli command: a usage error is one line and exit 2, a failure one line and exit 1. */
    static int execute(Object command, String name, String[] args) {
        CommandLine cli = new CommandLine(command);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println(name + ": " + ex.getMessage() + " (see --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(name + ": " + (ex.getMessage() == null ? ex.toString()
                    : ex.getMessage().replaceAll("\\s*\\R\\s*", " ")));
            return 1;
        });
        return cli.execute(args);
    }

    static Path home() {
        String home = System.getProperty(DataLocation.HOME_PROPERTY);
        return Path.of(home == null ? "" : home).toAbsolutePath();
    }

    @Override
    public Integer call() throws Exception {
        Path dir = out != null ? out
                : Path.of("runs", "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        List<BenchResult> results;
        if (report != null) {
            results = BenchResult.read(report);
        } else {
            Path json = dir.resolve("jmh.json");
            runAll(json);
            results = BenchResult.read(json);
        }
        String header = header();
        new Report(results).write(dir, header);
        PrintWriter stdout = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        stdout.println();
        stdout.println(new Report(results).markdown(header));
        stdout.println("wrote " + dir.resolve("report.md") + ", " + dir.resolve("report.png")
                + (report == null ? ", " + dir.resolve("jmh.json") : ""));
        if (!check) {
            return 0;
        }
        Gate.Runner runner = new Gate.Runner(Runtime.version().feature(), Simd.bits());
        Path floorsFile = floors != null ? floors : home().resolve("benchmarks/gate/floors.json");
        Path baselineFile = baseline != null ? baseline : home().resolve("benchmarks/gate/baseline.json");
        if (updateBaseline) {
            Gate.JSON.writeValue(baselineFile.toFile(), Gate.baselineOf(results, runner, LocalDate.now().toString()));
            stdout.println("wrote the new baseline " + baselineFile + " (commit it)");
        }
        Gate gate = Gate.check(results, Gate.read(floorsFile), Gate.read(baselineFile), runner);
        String table = gate.table();
        Files.writeString(dir.resolve("gate.txt"), table + "\n", StandardCharsets.UTF_8);
        stdout.println();
        stdout.println(table);
        stdout.println("The baseline is " + baselineFile + "; after an intended speed change, refresh it with "
                + "'./tp2 bench --check --update-baseline' on a quiet machine and commit it. Floors are edited by hand "
                + "in " + floorsFile + ", with the ratio measured when set.");
        return gate.passed() ? 0 : 1;
    }

    String header() {
        return String.format(Locale.ROOT, "# tp2-kernels benchmarks%n%nCPU: %s, %d cores. JDK: %s %s. Vector: %s. Date: %s.",
                SystemInfo.cpu(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.vendor"),
                Runtime.version(), Simd.describe(), LocalDate.now());
    }

    /** The runs of the chosen subset, merged into one JMH JSON file. */
    private void runAll(Path json) throws Exception {
        List<ChainedOptionsBuilder> runs = new ArrayList<>();
        if (include != null || full) {
            runs.add(builder(include != null ? include : ".*Benchmark.*"));
        } else if (check) {
            TimeValue shortIteration = TimeValue.milliseconds(500);
            runs.add(builder("MatmulBenchmark\\.matmul(Bias|GradW)$").param("m", "128").param("layer", "3072x100")
                    .warmupIterations(2).measurementIterations(5).measurementTime(shortIteration));
            runs.add(builder("ElementwiseBenchmark\\.(sigmoid|sgdUpdate)$").param("m", "128")
                    .warmupIterations(2).measurementIterations(5).measurementTime(shortIteration));
            runs.add(builder("PeakBenchmark\\.fmaPeak$").warmupIterations(2).measurementIterations(5)
                    .measurementTime(shortIteration));
        } else {
            runs.add(builder("MatmulBenchmark").param("m", "128"));
            runs.add(builder("ElementwiseBenchmark").param("m", "128"));
            runs.add(builder("PeakBenchmark"));
            runs.add(builder("OpenBlasBenchmark").param("m", "128").param("threads", "1"));
            runs.add(builder("EpochBenchmark").param("backend", "blocked", "simd").param("threads", "1", "2"));
        }
        ArrayNode merged = Gate.JSON.createArrayNode();
        for (int i = 0; i < runs.size(); i++) {
            Path part = json.resolveSibling("jmh-part" + i + ".json");
            ChainedOptionsBuilder options = runs.get(i).resultFormat(ResultFormatType.JSON).result(part.toString());
            for (String p : params) {
                int eq = p.indexOf('=');
                if (eq < 1) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "-p " + p + ": expected NAME=V1,V2");
                }
                options.param(p.substring(0, eq), p.substring(eq + 1).split(","));
            }
            new Runner(options.build()).run();
            for (JsonNode node : Gate.JSON.readTree(part.toFile())) {
                merged.add(node);
            }
            Files.delete(part);
        }
        Gate.JSON.writeValue(json.toFile(), merged);
    }

    private ChainedOptionsBuilder builder(String regex) {
        return new OptionsBuilder().include(regex).forks(forks).shouldFailOnError(true);
    }

}
