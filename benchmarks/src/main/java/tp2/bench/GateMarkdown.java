package tp2.bench;

import java.util.List;
import java.util.Locale;

/**
 * The gate's verdict as a Markdown table ({@code gate.md}), for a pull request's job summary: the
 * machine and both commits first, then one row per gated benchmark (reference, now, the delta with
 * its 95% interval, the verdict and, for any FAIL or INCONCLUSIVE, why in one line), then the ratio
 * floors and the overall verdict.
 */
final class GateMarkdown {
    /** One gated benchmark: its name, both medians with their unit, and the decision. */
    record Row(String benchmark, double reference, double now, String unit, Comparison.Result result) {}

    private GateMarkdown() {}

    /**
     * @param machine  the CPU with its family and model, cores
     * @param vector   the vector species and tile ({@code Simd.describeWithoutJdk()})
     * @param jdk      the JDK version
     * @param reference the reference commit, or a sentence saying why there is none
     * @param now      the working tree's commit (with "+ changes" when it has uncommitted ones)
     */
    static String render(String machine, String vector, String jdk, String reference, String now, List<Row> rows,
                         Gate floors, boolean passed) {
        StringBuilder md = new StringBuilder();
        md.append("## tp2 performance gate: ").append(passed ? "passed" : "**FAILED**").append("\n\n");
        md.append("Machine: ").append(escape(machine)).append("; ").append(escape(vector)).append("; JDK ")
                .append(escape(jdk)).append(".  \n");
        md.append("Reference: `").append(escape(reference)).append("`; now: `").append(escape(now)).append("`.\n\n");
        if (!rows.isEmpty()) {
            md.append("| benchmark | reference | now | delta [95% interval] | verdict | why |\n");
            md.append("| --- | ---: | ---: | --- | --- | --- |\n");
            for (Row r : rows) {
                md.append("| ").append(escape(r.benchmark()))
                        .append(" | ").append(Report.fmt(r.reference())).append(' ').append(r.unit())
                        .append(" | ").append(Report.fmt(r.now())).append(' ').append(r.unit())
                        .append(" | ").append(r.result().delta())
                        .append(" | ").append(verdict(r.result()))
                        .append(" | ").append(reason(r.result())).append(" |\n");
            }
            md.append(String.format(Locale.ROOT, "%nA benchmark fails when the whole interval of its paired time ratio lies above "
                    + "+%.0f%%.%n%n", 100 * Comparison.THRESHOLD));
        }
        md.append("| ratio floor | expected | measured | verdict |\n| --- | --- | --- | --- |\n");
        for (Gate.Line l : floors.lines()) {
            md.append("| ").append(escape(l.what())).append(" | ").append(escape(l.expected())).append(" | ")
                    .append(escape(l.measured())).append(" | ")
                    .append(l.status() == Gate.Status.FAIL ? "**FAIL**: below the floor (a lost vector path or register block?)"
                            : l.status().name())
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String verdict(Comparison.Result r) {
        return r.verdict() == Comparison.Verdict.FAIL ? "**FAIL**" : r.verdict().name();
    }

    /** Why a benchmark failed or could not be decided, in one line; empty for a pass. */
    static String reason(Comparison.Result r) {
        double limit = 100 * Comparison.THRESHOLD;
        switch (r.verdict()) {
            case FAIL:
                return String.format(Locale.ROOT, "slower by more than %.0f%% with 95%% confidence (at least %+.1f%%)",
                        limit, 100 * (r.low() - 1));
            case INCONCLUSIVE:
                if (r.pairs() < Comparison.MIN_PAIRS || Double.isNaN(r.low())) {
                    return "too few pairs (" + r.pairsText() + ") to decide";
                }
                return String.format(Locale.ROOT, "the interval reaches past +%.0f%% after %s: too noisy to tell, "
                        + "not counted as a failure", limit, r.pairsText());
            default:
                return "";
        }
    }

    /** Text safe inside a Markdown table cell: no pipes or line breaks. */
    static String escape(String text) {
        return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
