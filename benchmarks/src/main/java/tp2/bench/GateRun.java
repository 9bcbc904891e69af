package tp2.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tp2.kernels.Simd;
import tp2.trainer.SystemInfo;

/**
 * {@code ./tp2 bench --check}: the working tree against a reference revision, on this machine, in
 * this run. The reference (the commit in {@code benchmarks/gate/reference}, or {@code --against
 * REV}) is extracted and built in a cache folder of its own, keyed by commit. Then, round after
 * round, each gated benchmark runs one JMH fork of each build, the two back to back and their order
 * alternating by round, so that each pair of forks shares the machine's phase of the moment;
 * {@link Comparison} decides per benchmark from the paired times. Benchmarks still inconclusive
 * after {@link #ROUNDS} rounds get more, up to {@link #MAX_ROUNDS} or the time budget. The ratio
 * floors of {@code floors.json} (naive's time over simd's and blocked's, within the run) are
 * checked too, on any machine, and alone when the reference is missing (a shallow clone).
 *
 * <p>JMH's own output goes to {@code gate.log}; the terminal gets one line of progress per round and
 * the verdict; {@code gate.txt} and {@code gate.png} keep the table and the plot of the deltas.
 */
final class GateRun {
    /** Rounds before a verdict is asked for, and the most any benchmark gets (unless --rounds says otherwise). */
    static final int ROUNDS = 5, MAX_ROUNDS = 10;
    /**
     * No extra round starts after this much of the run: five rounds take 5-6 minutes, and extra
     * rounds of the inconclusive groups may follow up to here (the gate stays within 9 minutes).
     */
    static final long BUDGET_SECONDS = 420;

    /**
     * One JMH invocation: its benchmarks, parameters, timing and forks. With several forks a
     * benchmark's time is the fastest fork's (each fork's median iteration): short kernels land in
     * a slow JIT mode in some forks (sigmoid: 6.2 us, sometimes 7-10), and the faster of two forks
     * is that mode's cure. {@code jvm} is added to each fork's JVM flags ({@code -jvmArgsPrepend}: the
     * annotation's own list stays) and {@code suffix} to the group's benchmark names.
     */
    record Group(String name, String include, List<String> params, List<String> timing, int forks, List<String> jvm,
                 String suffix) {
        Group(String name, String include, List<String> params, List<String> timing, int forks) {
            this(name, include, params, timing, forks, List.of(), "");
        }
    }

    private static final List<String> SHORT = List.of("-wi", "1", "-w", "300ms", "-i", "3", "-r", "200ms");
    /** The gated benchmarks, by JMH invocation. */
    static final List<Group> GROUPS = List.of(
            new Group("matmuls", "MatmulBenchmark\\.matmul(Bias|GradW)$",
                    List.of("backend=simd,blocked", "m=128", "layer=3072x100", "threads=1"), SHORT, 1),
            new Group("elementwise", "ElementwiseBenchmark\\.(sigmoid|sgdUpdate)$",
                    List.of("backend=simd", "m=128"), SHORT, 2),
            new Group("training pass", "EpochBenchmark\\.epoch$", List.of("backend=simd", "threads=1,2"),
                    List.of("-wi", "1", "-i", "2"), 1),
            // as on an AVX2 machine (16 vector registers, the 4x3 tile), whatever this CPU has
            new Group("matmuls, AVX2", "MatmulBenchmark\\.matmul(Bias|GradW)$",
                    List.of("backend=simd", "m=128", "layer=3072x100", "threads=1"), SHORT, 1,
                    List.of("-jvmArgsPrepend", "-XX:UseAVX=2"), ", AVX2"));
    /** Benchmarks the groups above measure: 4 matmuls, 2 elementwise, 2 training passes, 2 AVX2 matmuls. */
    static final int GATED = 10;
    /** naive, once, for the ratio floors. */
    static final Group NAIVE = new Group("naive, for the floors", "MatmulBenchmark\\.matmul(Bias|GradW)$|ElementwiseBenchmark\\.sigmoid$",
            List.of("backend=naive", "m=128", "layer=3072x100", "threads=1"), SHORT, 1);

    private final Path home;
    private final Path out;
    private final PrintWriter terminal;
    private final Path log;
    private final long start = System.nanoTime();

    GateRun(Path home, Path out, PrintWriter terminal) {
        this.home = home;
        this.out = out;
        this.terminal = terminal;
        this.log = out.resolve("gate.log");
    }

    /** The file that names the reference commit. */
    static Path referenceFile(Path home) {
        return home.resolve("benchmarks/gate/reference");
    }

    /** The commit named by the reference file: its first word that is not in a comment. */
    static String recordedReference(Path home) throws IOException {
        for (String line : Files.readAllLines(referenceFile(home), StandardCharsets.UTF_8)) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                return t.split("\\s+")[0];
            }
        }
        throw new IOException(referenceFile(home) + " names no commit");
    }

    /** Moves the reference to {@code rev}: writes its full hash into the reference file (to commit). */
    static String setReference(Path home, String rev) throws IOException, InterruptedException {
        String sha = resolve(home, rev);
        if (sha == null) {
            throw new IOException("--set-reference " + rev + ": no such commit here");
        }
        Files.writeString(referenceFile(home), "# The commit ./tp2 bench --check measures the working tree against (docs/gate.md).\n"
                + "# Move it forward after an intended speed change: ./tp2 bench --set-reference HEAD, then commit this file.\n"
                + sha + "\n", StandardCharsets.UTF_8);
        return sha;
    }

    /** git's output (trimmed) for {@code args} in this repository, or null when git fails. */
    private static String git(Path home, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", home.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 ? text : null;
    }

    /** Whether this checkout is a shallow clone (its history cut off), so that a missing commit may exist elsewhere. */
    static boolean isShallow(Path home) throws IOException, InterruptedException {
        return "true".equals(git(home, "rev-parse", "--is-shallow-repository"));
    }

    /** The full hash of {@code rev} in this repository, or null when it is not here. */
    static String resolve(Path home, String rev) throws IOException, InterruptedException {
        String text = git(home, "rev-parse", "--verify", "--quiet", rev + "^{commit}");
        return text != null && text.matches("[0-9a-f]{40}") ? text : null;
    }

    /** Paired fork times per gated benchmark key: index 0 the reference, 1 the working tree. */
    final Map<String, List<double[]>> pairs = new LinkedHashMap<>();
    /** Units of the gated benchmarks, by key. */
    final Map<String, String> units = new LinkedHashMap<>();
    /** The JMH invocation that runs each gated benchmark, by key. */
    private final Map<String, Group> groupOf = new LinkedHashMap<>();
    /** naive's times, by key, for the floors. */
    final List<BenchResult> naive = new ArrayList<>();

    /**
     * Runs the gate: returns true when it passed. {@code against} is a revision, or null for the
     * recorded reference.
     */
    boolean run(String against, Path floorsFile, int rounds) throws Exception {
        Files.writeString(log, "", StandardCharsets.UTF_8);
        Path now = home.resolve("benchmarks/target/benchmarks.jar");
        String rev = against != null ? against : recordedReference(home);
        String sha = resolve(home, rev);
        say("gate: CPU %s, %d cores, JDK %s, %s", SystemInfo.cpu(), Runtime.getRuntime().availableProcessors(),
                Runtime.version(), Simd.describeWithoutJdk());
        Path reference = null;
        if (sha == null) {
            say("gate: the reference %s is not in this clone (a shallow clone?): no comparison with it; the ratio "
                    + "floors still run. Fetch the history (git fetch --unshallow) to compare.", rev);
        } else {
            reference = buildReference(sha);
        }
        runGroup(NAIVE, now);
        Map<String, Comparison.Result> results = new LinkedHashMap<>();
        if (reference != null) {
            say("gate: %s (reference, %s) against the working tree, %d gated benchmarks, forks interleaved; JMH output in %s",
                    sha.substring(0, 10), against != null ? "--against " + against : "benchmarks/gate/reference",
                    GATED, log);
            int first = rounds > 0 ? rounds : ROUNDS, most = rounds > 0 ? rounds : MAX_ROUNDS;
            for (int round = 1; round <= most; round++) {
                List<Group> groups = round <= first ? GROUPS : inconclusiveGroups(results);
                if (groups.isEmpty() || (round > first && elapsed() > BUDGET_SECONDS)) {
                    break;
                }
                for (Group g : groups) {
                    boolean referenceFirst = round % 2 == 1;
                    Map<String, Double> a = runGroup(g, referenceFirst ? reference : now);
                    Map<String, Double> b = runGroup(g, referenceFirst ? now : reference);
                    Map<String, Double> ref = referenceFirst ? a : b, wt = referenceFirst ? b : a;
                    for (Map.Entry<String, Double> e : ref.entrySet()) {
                        Double w = wt.get(e.getKey());
                        if (w != null) {
                            pairs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[] {e.getValue(), w});
                        }
                    }
                }
                results = decideAll();
                long open = results.values().stream().filter(r -> r.verdict() == Comparison.Verdict.INCONCLUSIVE).count();
                say("gate: round %d: %d pairs so far, %d inconclusive (%d s)", round, maxPairs(), open, elapsed());
            }
        }
        return report(results, sha, floorsFile);
    }

    private List<Group> inconclusiveGroups(Map<String, Comparison.Result> results) {
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<String, Comparison.Result> e : results.entrySet()) {
            Group g = groupOf.get(e.getKey());
            if (e.getValue().verdict() == Comparison.Verdict.INCONCLUSIVE && g != null && !groups.contains(g)) {
                groups.add(g);
            }
        }
        return groups;
    }

    private int maxPairs() {
        return pairs.values().stream().mapToInt(List::size).max().orElse(0);
    }

    Map<String, Comparison.Result> decideAll() {
        Map<String, Comparison.Result> results = new LinkedHashMap<>();
        for (Map.Entry<String, List<double[]>> e : pairs.entrySet()) {
            double[] a = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
            double[] b = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
            results.put(e.getKey(), Comparison.decide(a, b, a.length));
        }
        return results;
    }

    /** Extracts and builds {@code sha} in its cache folder, unless it is there; returns its benchmarks jar. */
    private Path buildReference(String sha) throws Exception {
        Path folder = cacheFolder().resolve(sha);
        Path jar = folder.resolve("benchmarks/target/benchmarks.jar");
        if (Files.isRegularFile(jar)) {
            say("gate: the reference %s is built already (%s)", sha.substring(0, 10), folder);
            return jar;
        }
        say("gate: building the reference %s in %s (once per commit, about a minute)...", sha.substring(0, 10), folder);
        Path building = Files.createDirectories(folder.resolveSibling(sha + ".building"));
        exec(List.of("bash", "-c", "rm -rf \"$1\"/* && git -C \"$2\" archive --format=tar \"$3\" | tar -x -C \"$1\"",
                "extract", building.toString(), home.toString(), sha), home, "extracting the reference");
        exec(List.of(maven(home), "-q", "-B", "-DskipTests", "package", "-pl", "benchmarks", "-am"), building,
                "building the reference");
        deleteTree(folder);
        Files.move(building, folder);
        return jar;
    }

    /**
     * Maven as the launcher finds it: {@code mvn} on the PATH, else this checkout's Maven Wrapper
     * (which reads its settings beside the script, so it builds any folder).
     */
    static String maven(Path home) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "mvn"))) {
                return "mvn";
            }
        }
        return home.resolve("mvnw").toString();
    }

    private static Path cacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("tp2/gate");
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (var paths = Files.walk(folder)) {
            for (Path p : paths.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Runs one JMH invocation of {@code group} on {@code jar}; returns each result's score by key. */
    private Map<String, Double> runGroup(Group group, Path jar) throws Exception {
        Path json = Files.createTempFile(out, "fork", ".json");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", jar.toString(), "org.openjdk.jmh.Main", group.include()));
        for (String p : group.params()) {
            cmd.add("-p");
            cmd.add(p);
        }
        cmd.addAll(group.timing());
        cmd.addAll(group.jvm());
        cmd.addAll(List.of("-f", Integer.toString(group.forks()), "-foe", "true", "-rf", "json", "-rff", json.toString()));
        exec(cmd, home, "JMH (" + group.name() + ")");
        Map<String, Double> scores = new LinkedHashMap<>();
        List<BenchResult> results = BenchResult.read(json);
        com.fasterxml.jackson.databind.JsonNode tree = Gate.JSON.readTree(json.toFile());
        for (int i = 0; i < results.size(); i++) {
            BenchResult r = results.get(i);
            if (group == NAIVE) {
                naive.add(r);
            } else {
                String key = key(r) + group.suffix();
                scores.put(key, fastestFork(tree.get(i).path("primaryMetric").path("rawData"), r.score()));
                units.put(key, r.unit());
                groupOf.put(key, group);
            }
        }
        Files.delete(json);
        return scores;
    }

    /** The fastest fork's median iteration from JMH's raw data (one array per fork), or {@code fallback}. */
    static double fastestFork(com.fasterxml.jackson.databind.JsonNode rawData, double fallback) {
        double best = Double.NaN;
        for (com.fasterxml.jackson.databind.JsonNode fork : rawData) {
            double[] v = new double[fork.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = fork.get(i).asDouble();
            }
            if (v.length == 0) {
                continue;
            }
            java.util.Arrays.sort(v);
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            best = Double.isNaN(best) ? median : Math.min(best, median);
        }
        return Double.isNaN(best) ? fallback : best;
    }

    /** Forks per build per round for a gated benchmark key. */
    static int forksOf(String key) {
        return key.startsWith("sigmoid") || key.startsWith("sgdUpdate") ? 2 : 1;
    }

    /** A gated benchmark's name: method, backend and thread count. */
    static String key(BenchResult r) {
        String threads = r.param("threads");
        String name = r.shortName().equals("EpochBenchmark.epoch") ? "training pass" : r.method();
        return name + " " + r.param("backend") + (r.shortName().startsWith("EpochBenchmark")
                ? ", " + threads + (threads.equals("1") ? " thread" : " threads") : "");
    }

    private void exec(List<String> cmd, Path dir, String what) throws Exception {
        Files.writeString(log, "\n$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(what + " did not finish in 20 minutes; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed (exit " + p.exitValue() + "); see " + log);
        }
    }

    private long elapsed() {
        return (System.nanoTime() - start) / 1_000_000_000L;
    }

    private void say(String format, Object... args) {
        terminal.println(String.format(Locale.ROOT, format, args));
        terminal.flush();
    }

    /** The table, the plot, the floors; true when nothing failed. */
    private boolean report(Map<String, Comparison.Result> results, String sha, Path floorsFile) throws Exception {
        StringBuilder t = new StringBuilder();
        List<GateMarkdown.Row> rows = new ArrayList<>();
        boolean failed = false;
        if (!results.isEmpty()) {
            t.append(String.format(Locale.ROOT, "%-28s %14s %14s  %-34s %s%n", "benchmark", "reference", "now",
                    "delta [95% interval]", "verdict"));
            for (Map.Entry<String, Comparison.Result> e : results.entrySet()) {
                Comparison.Result r = e.getValue();
                List<double[]> p = pairs.get(e.getKey());
                String unit = units.get(e.getKey());
                t.append(String.format(Locale.ROOT, "%-28s %14s %14s  %-34s %s (%d pairs)%n", e.getKey(),
                        Report.fmt(median(p, 0)) + " " + unit, Report.fmt(median(p, 1)) + " " + unit, r.delta(),
                        r.verdict(), r.pairs()));
                rows.add(new GateMarkdown.Row(e.getKey(), median(p, 0), median(p, 1), unit, r));
                failed |= r.verdict() == Comparison.Verdict.FAIL;
            }
            t.append(String.format(Locale.ROOT, "(reference %s; a slowdown fails when its whole interval is above +%.0f%%)%n%n",
                    sha.substring(0, 10), 100 * Comparison.THRESHOLD));
            Files.write(out.resolve("gate.png"), plot(results));
        }
        List<BenchResult> working = new ArrayList<>(naive);
        for (Map.Entry<String, List<double[]>> e : pairs.entrySet()) {
            if (groupOf.get(e.getKey()).jvm().isEmpty()) {   // the floors are for default flags
                working.add(workingTreeResult(e.getKey(), median(e.getValue(), 1)));
            }
        }
        if (pairs.isEmpty()) {
            working.addAll(floorsOnly());
        }
        Gate floors = Gate.checkFloors(working, Gate.read(floorsFile));
        t.append(floors.table());
        failed |= !floors.passed();
        t.append(System.lineSeparator()).append(failed ? "gate FAILED" : "gate passed");
        Files.writeString(out.resolve("gate.txt"), t + "\n", StandardCharsets.UTF_8);
        String referenceName = sha != null ? sha : "none (not in this clone: the ratio floors alone)";
        Files.writeString(out.resolve("gate.md"), GateMarkdown.render(SystemInfo.cpu() + ", " + Runtime.getRuntime()
                .availableProcessors() + " cores", Simd.describeWithoutJdk(), Runtime.version().toString(), referenceName,
                workingCommit(), rows, floors, !failed), StandardCharsets.UTF_8);
        terminal.println();
        terminal.println(t);
        terminal.println("wrote " + out.resolve("gate.txt") + ", " + out.resolve("gate.md")
                + (results.isEmpty() ? "" : ", " + out.resolve("gate.png")) + ", " + log);
        terminal.flush();
        return !failed;
    }

    /** The working tree's commit, "+ changes" when it has uncommitted ones, or "unknown" outside git. */
    private String workingCommit() {
        try {
            String head = resolve(home, "HEAD");
            if (head == null) {
                return "unknown";
            }
            String changes = git(home, "status", "--porcelain", "--untracked-files=no");
            return changes != null && !changes.isEmpty() ? head + " + changes" : head;
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Without a reference: the working tree's simd and blocked forks for the floors, once. */
    private List<BenchResult> floorsOnly() throws Exception {
        List<BenchResult> list = new ArrayList<>();
        Path now = home.resolve("benchmarks/target/benchmarks.jar");
        for (Group g : GROUPS.subList(0, 2)) {
            for (Map.Entry<String, Double> e : runGroup(g, now).entrySet()) {
                list.add(workingTreeResult(e.getKey(), e.getValue()));
            }
        }
        return list;
    }

    /** A result row for the floors from a gated key ("matmulBias simd") and a score. */
    private BenchResult workingTreeResult(String key, double score) {
        String[] words = key.split(" ");
        String method = words[0];
        String benchmark = method.startsWith("matmul") ? "tp2.bench.MatmulBenchmark." + method
                : method.equals("training") ? "tp2.bench.EpochBenchmark.epoch" : "tp2.bench.ElementwiseBenchmark." + method;
        Map<String, String> params = new LinkedHashMap<>();
        params.put("backend", words[method.equals("training") ? 2 : 1].replace(",", ""));
        params.put("m", "128");
        if (method.startsWith("matmul")) {
            params.put("layer", "3072x100");
            params.put("threads", "1");
        }
        return new BenchResult(benchmark, params, score, Double.NaN, units.getOrDefault(key, "us/op"), 1,
                Runtime.version().toString());
    }

    private static double median(List<double[]> pairs, int side) {
        double[] v = pairs.stream().mapToDouble(p -> p[side]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Each benchmark's delta in percent with its interval, and the threshold. */
    static byte[] plot(Map<String, Comparison.Result> results) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(120 + 45 * results.size())
                .title(String.format(Locale.ROOT, "tp2 gate: working tree vs reference (%s, JDK %d)", SystemInfo.cpu(),
                        Runtime.version().feature()))
                .xAxisTitle("time change, % (95% interval); right of the red line fails").build();
        List<String> names = new ArrayList<>(results.keySet());
        int i = 0;
        for (Map.Entry<String, Comparison.Result> e : results.entrySet()) {
            Comparison.Result r = e.getValue();
            double y = results.size() - 1 - i++;
            if (Double.isNaN(r.low())) {
                continue;
            }
            XYSeries range = chart.addSeries(e.getKey() + " (" + r.verdict().name().toLowerCase(Locale.ROOT) + ")",
                    new double[] {100 * (r.low() - 1), 100 * (r.ratio() - 1), 100 * (r.high() - 1)}, new double[] {y, y, y});
            range.setMarker(SeriesMarkers.DIAMOND);
        }
        double top = results.size() - 0.5;
        XYSeries limit = chart.addSeries("threshold +" + Math.round(100 * Comparison.THRESHOLD) + "%",
                new double[] {100 * Comparison.THRESHOLD, 100 * Comparison.THRESHOLD}, new double[] {-0.5, top});
        limit.setLineColor(java.awt.Color.RED);
        limit.setMarker(SeriesMarkers.NONE);
        limit.setLineStyle(SeriesLines.DASH_DASH);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisTicksVisible(false);
        chart.getStyler().setYAxisMin(-0.5);
        chart.getStyler().setYAxisMax(top);
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /** The pairs as JSON, for the decision tests (benchmarks/src/test/resources). */
    ObjectNode pairsJson() {
        ObjectNode root = Gate.JSON.createObjectNode();
        root.put("cpu", SystemInfo.cpu());
        root.put("jdk", Runtime.version().toString());
        root.put("note", "paired fork times of ./tp2 bench --check: [reference, working tree] per round");
        ObjectNode benchmarks = root.putObject("benchmarks");
        for (Map.Entry<String, List<double[]>> e : pairs.entrySet()) {
            ArrayNode list = benchmarks.putArray(e.getKey());
            for (double[] p : e.getValue()) {
                list.addArray().add(p[0]).add(p[1]);
            }
        }
        return root;
    }
}
