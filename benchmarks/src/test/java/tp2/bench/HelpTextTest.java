package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code ./tp2 bench --help} and {@code ./tp2 profile --help} print benchmarks/help/*.txt, so that
 * help needs no build of the benchmarks jar (a minute). Those files must be what picocli prints.
 */
class HelpTextTest {
    private static final Path HELP = Path.of("help").toAbsolutePath();

    @ParameterizedTest
    @ValueSource(strings = {"bench", "profile"})
    void theStoredHelpIsWhatTheCommandPrints(String command) throws IOException {
        Object instance = command.equals("bench") ? new BenchMain() : new StepProfile();
        String generated = new CommandLine(instance).getUsageMessage(CommandLine.Help.Ansi.OFF);
        Path stored = HELP.resolve(command + ".txt");
        String current = Files.exists(stored) ? Files.readString(stored, StandardCharsets.UTF_8) : "";
        if (!generated.equals(current)) {
            Path fresh = Path.of("target", command + "-help.txt").toAbsolutePath();
            Files.createDirectories(fresh.getParent());
            Files.writeString(fresh, generated, StandardCharsets.UTF_8);
            assertEquals(generated, current, stored + " is out of date: copy " + fresh + " over it");
        }
    }
}
