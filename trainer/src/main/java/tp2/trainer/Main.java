package tp2.trainer;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tp2}: the TP2 trainer's command line. Only this class prints usage errors and chooses
 * exit codes: 0 success, 2 a usage error (bad option or value), 1 a failure at run time (bad data,
 * diverged training, unavailable backend). Every error is one line, never a stack trace, unless
 * {@code TP2_DEBUG=1} is set in the environment: then the stack trace follows the line (an error
 * that can only be a bug in tp2, a NullPointerException say, says so and names the switch).
 */
@Command(name = "tp2", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train and evaluate the TP2 two-layer network on CIFAR-10 with SIMD kernels.",
        footer = {"", "The ./tp2 launcher also runs:",
            "  bench     JMH benchmarks of the kernels, and the regression gate (./tp2 bench --help)",
            "  profile   where a training step's time goes (./tp2 profile --help)"},
        subcommands = {TrainCommand.class, EvaluateCommand.class, ExportCommand.class, DataCommand.class,
                InfoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int USAGE = 2;
    public static final int FAILURE = 1;
    /** The environment variable that adds the stack trace to an error's line. */
    public static final String DEBUG = "TP2_DEBUG";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns its exit code; used by main and by the tests. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOverwrittenOptionsAllowed(true);   // the last --opt wins, as in most tools
        cli.setParameterExceptionHandler((ex, arguments) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage())
                    + " (see --help)");
            return USAGE;
        });
        boolean debug = "1".equals(System.getenv(DEBUG));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            report(cmd.getErr(), cmd.getCommandSpec().qualifiedName(), ex, debug);
            return FAILURE;
        });
        int code;
        try {
            code = cli.execute(args);
        } catch (Throwable t) {   // the last line of defence: an Error (out of memory, stack overflow) is one line too
            report(err, "tp2", t, debug);
            err.flush();
            return FAILURE;
        }
        if (out.checkError()) {   // a full disk or a closed pipe on stdout: the results did not reach anyone
            err.println("tp2: cannot write to standard output (a full device or a closed pipe?)");
            err.flush();
            return FAILURE;
        }
        return code;
    }

    /**
     * The error's one line, "name: what happened"; for an error that can only be a bug, a pointer to
     * {@link #DEBUG}; with {@code debug}, the stack trace after it.
     */
    public static void report(PrintWriter err, String name, Throwable e, boolean debug) {
        err.println(name + ": " + describe(e) + (isBug(e) && !debug ? " (a bug in tp2: run again with " + DEBUG
                + "=1 to see where, and please report it)" : ""));
        if (debug) {
            e.printStackTrace(err);
        }
    }

    /** Exceptions no input should cause: a programming error in tp2. */
    static boolean isBug(Throwable e) {
        return e instanceof NullPointerException || e instanceof IndexOutOfBoundsException || e instanceof ClassCastException
                || e instanceof ArithmeticException || e instanceof StackOverflowError;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + message + "); give the JVM more with -Xmx (jvm.flags) or ask for less";
        }
        if (e instanceof StackOverflowError) {
            return "stack overflow";   // report() adds that it is a bug and how to see where
        }
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof java.nio.file.FileSystemException fs) {
            return fs.getFile() + ": " + (fs.getReason() == null ? fs.getClass().getSimpleName() : fs.getReason());
        }
        return oneLine(message);
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version lines: the project version (from the jar's manifest) and the JDK; {@code ./tp2 info} tells the rest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tp2 " + (version == null ? "(not from a built jar)" : version), SystemInfo.jdk()};
        }
    }
}
