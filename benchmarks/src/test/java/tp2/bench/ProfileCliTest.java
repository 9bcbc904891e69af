package tp2.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ./tp2 profile}'s bad options are usage errors (exit 2), checked before any work: no raw OutOfMemoryError. */
class ProfileCliTest {
    @ParameterizedTest
    @ValueSource(strings = {"--backend=fast", "--hidden=100000", "--hidden=0", "--threads=1000", "--threads=0", "--epochs=1",
        "--batch-size=0"})
    void aBadOptionIsAUsageError(String option) {
        assertEquals(2, BenchMain.execute(new StepProfile(), "tp2 profile", new String[] {option}));
    }

    /** A revision the complete history lacks is a typo: a usage error before anything is built or measured. */
    @org.junit.jupiter.api.Test
    void aGateAgainstACommitThatIsNotThereIsAUsageError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path home = BenchMain.home();
        org.junit.jupiter.api.Assumptions.assumeTrue(ReferenceBuild.resolve(home, "HEAD") != null && !ReferenceBuild.isShallow(home),
                "needs a complete git checkout");
        java.nio.file.Path out = tmp.resolve("gate");
        assertEquals(2, BenchMain.execute(new BenchMain(), "tp2 bench",
                new String[] {"--check", "--against", "no-such-commit-0123", "--out", out.toString()}));
        assertEquals(false, java.nio.file.Files.exists(out), "a usage error creates no output folder");
    }
}
