package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The committed micro-kernels are exactly what their generator writes: nobody edited one copy by hand. */
class MicroKernelsGeneratedTest {
    @Test
    void committedSourceIsTheGeneratorsOutput() throws IOException {
        String committed = Files.readString(MicroKernelGenerator.TARGET, StandardCharsets.UTF_8);
        assertEquals(MicroKernelGenerator.source(), committed,
                "MicroKernels.java differs from MicroKernelGenerator's output: edit the generator and run it "
                        + "(see MicroKernelGenerator's class comment)");
    }
}
