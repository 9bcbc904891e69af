package tp2.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Integration: the real data set, when TP2_DATA names it (.ci/run sets it to the shared copy). */
class RealCifar10Test {

    @Test
    void theRealSetHasTenThousandRecordsPerFileAndBalancedTestClasses() throws Exception {
        String location = System.getenv(DataLocation.ENV);
        assumeTrue(location != null && !location.isBlank(), "TP2_DATA is not set: no real data set to check");
        long start = System.nanoTime();
        Cifar10 data = new Cifar10Reader().read(Path.of(location));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(50_000, data.train().count());
        assertEquals(10_000, data.test().count());
        Map<Integer, Integer> counts = Cifar10Reader.classCounts(data.test());
        for (int c = 0; c < Cifar10.CLASSES; c++) {
            assertEquals(1_000, counts.get(c), "test images of class " + c);
        }
        assertEquals(Cifar10.CLASSES, data.classNames().size());
        System.out.printf("read %s in %.2f s%n", location, seconds);
    }
}
