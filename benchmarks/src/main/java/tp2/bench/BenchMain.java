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
 * report and a bar chart, with JMH's own output in a log; with {@code --check}, runs the regression
 * gate ({@link GateRun}) and fails (exit 1) on a confident slowdown or a broken ratio floor.
 */
@Command(name = "tp2 bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run JMH benchmarks of the kernels and write jmh.json, report.md, report.png and jmh.log.",
            "Default: every kernel at batch 128 for all backends, the FMA peak, OpenBLAS and a training pass "
                    + "(blocked, simd; 1 and 2 threads): about 15 minutes. --check runs the regression gate (7-12 minutes)."})
public final class BenchMain implements Callable<Integer> {
    @Option(names = "--check", description = "The regression gate: the working tree against the reference commit "
            + "(benchmarks/gate/reference), forks interleaved, plus the ratio floors")
    boolean check;

    @Option(names = "--against", paramLabel = "REV", description = "With --check: compare with this revision instead of the recorded reference")
    String against;

    @Option(names = "--set-reference", paramLabel = "REV", arity = "0..1", fallbackValue = "HEAD",
            description = "Record REV (default HEAD) as the gate's reference in benchmarks/gate/reference, then commit that file")
    String setReference;

    @Option(names = "--rounds", paramLabel = "N", hidden = true, description = "With --check: exactly N rounds (recording samples)")
    int rounds;

    @Option(names = "--save-pairs", paramLabel = "FILE", hidden = true, description = "With --check: write the paired fork times as JSON")
    Path savePairs;

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

    @Option(names = "--report", paramLabel = "JMH_JSON", description = "Only write the report of an existing JMH JSON file")
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
        boolean debug = "1".equals(System.getenv(tp2.trainer.Main.DEBUG));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            tp2.trainer.Main.report(cmd.getErr(), name, ex, debug);
            return 1;
        });
        try {
            return cli.execute(args);
        } catch (Throwable t) {   // an Error (out of memory) is one line too
            PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
            tp2.trainer.Main.report(err, name, t, debug);
            err.flush();
            return 1;
        }
    }

    static Path home() {
        String home = System.getProperty(DataLocation.HOME_PROPERTY);
        return Path.of(home == null ? "" : home).toAbsolutePath();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        if (setReference != null) {
            String sha = ReferenceBuild.setReference(home(), setReference);
            stdout.println("the gate's reference is now " + sha + " (" + ReferenceBuild.referenceFile(home()) + "): commit that file");
            return 0;
        }
        if (check && against != null && ReferenceBuild.resolve(home(), against) == null && !ReferenceBuild.isShallow(home())) {
            // a complete history that lacks it: a typo, not a shallow clone (which the gate reports and works around)
            throw new CommandLine.ParameterException(new CommandLine(this), "--against " + against + ": no such commit here");
        }
        Path dir = out != null ? out
                : Path.of("runs", "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        if (check) {
            GateRun gate = new GateRun(home(), dir, stdout, savePairs != null);
            boolean passed = gate.run(against, floors != null ? floors : home().resolve("benchmarks/gate/floors.json"), rounds);
            if (savePairs != null) {
                Gate.JSON.writeValue(savePairs.toFile(), gate.recordingJson());
            }
            return passed ? 0 : 1;
        }
        List<BenchResult> results;
        if (report != null) {
            results = BenchResult.read(report);
        } else {
            Path json = dir.resolve("jmh.json");
            runAll(json, dir.resolve("jmh.log"), stdout);
            results = BenchResult.read(json);
        }
        String header = header();
        new Report(results).write(dir, header, SystemInfo.cpu() + ", JDK " + Runtime.version().feature() + ", "
                + Simd.describeWithoutJdk());
        stdout.println();
        stdout.println(new Report(results).markdown(header));
        stdout.println("wrote " + dir.resolve("report.md") + ", " + dir.resolve("report.png")
                + (report == null ? ", " + dir.resolve("jmh.json") + ", " + dir.resolve("jmh.log") : ""));
        return 0;
    }

    String header() {
        return String.format(Locale.ROOT, "# tp2-kernels benchmarks%n%nCPU: %s, %d cores. JDK: %s %s. Vector: %s. Date: %s.",
                SystemInfo.cpu(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.vendor"),
                Runtime.version(), Simd.describeWithoutJdk(), LocalDate.now());
    }

    /** The runs of the chosen subset, merged into one JMH JSON file; JMH's output goes to {@code log}. */
    private void runAll(Path json, Path log, PrintWriter stdout) throws Exception {
        List<ChainedOptionsBuilder> runs = new ArrayList<>();
        if (include != null || full) {
            runs.add(builder(include != null ? include : ".*Benchmark.*"));
            if (include != null && !java.util.regex.Pattern.compile(include).matcher(PEAK).find()) {
                // the report's "% of peak" needs this run's peak: a few seconds
                runs.add(builder("PeakBenchmark\\.fmaPeak$").warmupIterations(2).warmupTime(TimeValue.milliseconds(300))
                        .measurementIterations(3).measurementTime(TimeValue.milliseconds(300)));
            }
        } else {
            runs.add(builder("MatmulBenchmark").param("m", "128"));
            runs.add(builder("ElementwiseBenchmark").param("m", "128"));
            runs.add(builder("PeakBenchmark"));
            runs.add(builder("OpenBlasBenchmark").param("m", "128").param("threads", "1"));
            runs.add(builder("EpochBenchmark").param("backend", "blocked", "simd").param("threads", "1", "2"));
        }
        Files.writeString(log, "", StandardCharsets.UTF_8);
        ArrayNode merged = Gate.JSON.createArrayNode();
        long start = System.nanoTime();
        for (int i = 0; i < runs.size(); i++) {
            Path part = Files.createTempFile(json.getParent(), "jmh-part", ".json");
            Path partLog = Files.createTempFile(json.getParent(), "jmh-part", ".log");
            ChainedOptionsBuilder options = runs.get(i).resultFormat(ResultFormatType.JSON).result(part.toString())
                    .output(partLog.toString());
            for (String p : params) {
                int eq = p.indexOf('=');
                if (eq < 1) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "-p " + p + ": expected NAME=V1,V2");
                }
                options.param(p.substring(0, eq), p.substring(eq + 1).split(","));
            }
            stdout.printf(Locale.ROOT, "bench: run %d of %d (JMH output in %s)...%n", i + 1, runs.size(), log);
            try {
                new Runner(options.build()).run();
            } finally {
                Files.writeString(log, Files.readString(partLog, StandardCharsets.UTF_8), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);
                Files.delete(partLog);
            }
            for (JsonNode node : Gate.JSON.readTree(part.toFile())) {
                merged.add(node);
            }
            Files.delete(part);
            stdout.printf(Locale.ROOT, "bench: %d results so far (%d s)%n", merged.size(), (System.nanoTime() - start) / 1_000_000_000L);
        }
        Gate.JSON.writeValue(json.toFile(), merged);
    }

    /** The benchmark whose result the report's "% of peak" column divides by. */
    static final String PEAK = "tp2.bench.PeakBenchmark.fmaPeak";

    private ChainedOptionsBuilder builder(String regex) {
        return new OptionsBuilder().include(regex).forks(forks).shouldFailOnError(true);
    }

}
