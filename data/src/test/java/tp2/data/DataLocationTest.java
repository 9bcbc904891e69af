package tp2.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** --data wins over TP2_DATA, which wins over the default home. */
class DataLocationTest {
    @Test
    void optionThenEnvironmentThenDefault() {
        assertEquals(Path.of("/a"), DataLocation.resolve(Path.of("/a"), "/b").path());
        assertEquals(DataLocation.Source.OPTION, DataLocation.resolve(Path.of("/a"), "/b").source());
        assertEquals(Path.of("/b"), DataLocation.resolve(null, "/b").path());
        assertEquals(DataLocation.Source.ENVIRONMENT, DataLocation.resolve(null, " /b ").source());
        DataLocation home = DataLocation.resolve(null, "");
        assertTrue(home.isDefault());
        assertTrue(home.path().endsWith(Path.of("data", "cifar-10-batches-bin")), home.toString());
    }
}
