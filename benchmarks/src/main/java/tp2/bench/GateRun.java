package tp2.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tp2.kernels.Simd;
import tp2.trainer.SystemInfo;

/**
 * {@code ./tp2 bench --check}: the working tree against a reference revision, on this machine, in
 * this run. The reference ({@link ReferenceBuild}) is built in a cache folder of its own; the rounds
 * and decisions are {@link GateRounds}', run on JMH ({@link GateJmh}); the ratio floors of
 * {@code floors.json} (naive's time over simd's and blocked's, within each round) are checked too,
 * on any machine, and alone when the reference is missing (a shallow clone); {@link GateReport}
 * writes the files.
 *
 * <p>JMH's own output goes to {@code gate.log}; the terminal gets one line of progress per round and
 * the verdict.
 */
final class GateRun {
    private final Path home;
    private final Path out;
    private final PrintWriter terminal;
    /** Every pair of invocations, as {@code --save-pairs} writes them, or null when not asked for. */
    private final ArrayNode recording;
    private final long start = System.nanoTime();
    private double secondsBeforeFirstRound;

    GateRun(Path home, Path out, PrintWriter terminal, boolean record) {
        this.home = home;
        this.out = out;
        this.terminal = terminal;
        this.recording = record ? Gate.JSON.createArrayNode() : null;
    }

    /**
     * Runs the gate: returns true when it passed. {@code against} is a revision, or null for the
     * recorded reference; {@code rounds} &gt; 0 runs exactly that many rounds.
     */
    boolean run(String against, Path floorsFile, int rounds) throws Exception {
        LoggedCommands commands = new LoggedCommands(out.resolve("gate.log"));
        String rev = against != null ? against : ReferenceBuild.recordedReference(home);
        String sha = ReferenceBuild.resolve(home, rev);
        say("gate: CPU %s, %d cores, JDK %s, %s", SystemInfo.cpu(), Runtime.getRuntime().availableProcessors(),
                Runtime.version(), Simd.describeWithoutJdk());
        Path reference = null;
        if (sha == null) {
            say("gate: the reference %s is not in this clone (a shallow clone?): no comparison with it; the ratio "
                    + "floors still run. Fetch the history (git fetch --unshallow) to compare.", rev);
        } else {
            reference = ReferenceBuild.build(home, ReferenceBuild.cacheFolder(), sha, commands, this::say);
        }
        GateRounds gate = new GateRounds(new GateJmh(home, out, reference, commands, recording, start, this::say));
        Map<String, Comparison.Result> results = new LinkedHashMap<>();
        if (reference != null) {
            say("gate: %s (reference, %s) against the working tree, %d gated benchmarks, forks interleaved; JMH output in %s",
                    sha.substring(0, 10), against != null ? "--against " + against : "benchmarks/gate/reference",
                    GateRounds.GATED, commands.log());
            secondsBeforeFirstRound = (System.nanoTime() - start) / 1e9;
            results = gate.run(rounds, true);
        } else {
            gate.floorsAlone();
        }
        Gate floors = Gate.checkFloorsByRound(gate.floorRounds, Gate.read(floorsFile));
        GateReport.Written report = GateReport.write(out, results, gate.pairs, floors, sha, ReferenceBuild.workingCommit(home));
        terminal.println();
        terminal.println(report.text());
        terminal.println("wrote " + out.resolve("gate.txt") + ", " + out.resolve("gate.md")
                + (results.isEmpty() ? "" : ", " + out.resolve("gate.png")) + ", " + commands.log());
        terminal.flush();
        return report.passed();
    }

    private void say(String format, Object... args) {
        say(String.format(Locale.ROOT, format, args));
    }

    private void say(String line) {
        terminal.println(line);
        terminal.flush();
    }

    /** The recording of this run's pairs, with the machine and date (for GateSimulationTest's resources). */
    ObjectNode recordingJson() {
        ObjectNode root = Gate.JSON.createObjectNode();
        root.put("cpu", SystemInfo.cpu());
        root.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("vector", Simd.describeWithoutJdk());
        root.put("jdk", Runtime.version().toString());
        root.put("date", LocalDate.now().toString());
        root.put("secondsBeforeFirstRound", Math.round(secondsBeforeFirstRound));
        root.put("note", "./tp2 bench --check --save-pairs: each group's pair of JMH invocations per round, each "
                + "benchmark's fork times (median iteration of each fork) on each side, and the seconds the pair took");
        root.set("pairs", recording);
        return root;
    }
}
