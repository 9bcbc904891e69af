package tp2.trainer;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tp2 info}: the machine, the JVM and which backends can run. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Print JDK, CPU, cores, vector species and usable backends.")
final class InfoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.println("jdk      " + SystemInfo.jdk());
        out.println("cpu      " + SystemInfo.cpu());
        out.println("cores    " + SystemInfo.cores());
        out.println("vector   " + SystemInfo.vector());
        for (Map.Entry<String, String> b : SystemInfo.backends().entrySet()) {
            out.printf("backend  %-8s %s%n", b.getKey(), b.getValue());
        }
        return 0;
    }
}
