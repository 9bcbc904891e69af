package tp2.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every benchmark class inherits, in one place: one fork with the JVM flags of
 * {@link Jvm}, 3 warm-up and 5 measured iterations of a second, average time in microseconds. A
 * class overrides an annotation by carrying its own (the epoch benchmark times single passes).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.VECTOR, Jvm.IGNORE_UNKNOWN, Jvm.NATIVE_ACCESS, Jvm.UNSAFE, Jvm.NO_OOB_CHECK, Jvm.HEAP})
public abstract class BenchmarkBase {
}
