package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Misuse of the worker pool ends in a clear exception, never a hang or skipped rows; no failure is lost. */
class WorkerPoolTest {

    @Test
    void aCallFromOneOfItsOwnChunksIsRefusedNotHung() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(IllegalStateException.class,
                    () -> pool.forChunks((a, b) -> pool.forChunks((c, d) -> { }, 0, 8, 1, 8, null), 0, 16, 1, 16, null)));
            assertTrue(e.getMessage().contains("one call at a time"), e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(16);   // and the pool still works
            pool.forChunks((a, b) -> {
                for (int i = a; i < b; i++) {
                    seen.incrementAndGet(i);
                }
            }, 0, 16, 1, 16, null);
            for (int i = 0; i < 16; i++) {
                assertEquals(1, seen.get(i), "index " + i);
            }
        }
    }

    @Test
    void aCallFromAlongsideIsRefused() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(IllegalStateException.class,
                    () -> pool.forChunks((a, b) -> { }, 0, 16, 1, 16, () -> pool.forChunks((c, d) -> { }, 0, 4, 1, 4, null))));
        }
    }

    /** Two threads calling at once: each call either runs every index exactly once or is refused. */
    @Test
    void twoCallersAtOnceNeverSkipRows() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (WorkerPool pool = new WorkerPool(3)) {
            int calls = 2000, n = 64;
            CyclicBarrier start = new CyclicBarrier(2);
            Future<int[]>[] results = new Future[2];
            for (int c = 0; c < 2; c++) {
                results[c] = callers.submit(() -> {
                    start.await();
                    int ran = 0, refused = 0;
                    for (int call = 0; call < calls; call++) {
                        AtomicIntegerArray seen = new AtomicIntegerArray(n);
                        try {
                            pool.forChunks((a, b) -> {
                                for (int i = a; i < b; i++) {
                                    seen.incrementAndGet(i);
                                }
                            }, 0, n, 4, n / 4, null);
                        } catch (IllegalStateException e) {
                            refused++;
                            continue;
                        }
                        for (int i = 0; i < n; i++) {
                            if (seen.get(i) != 1) {
                                throw new AssertionError("call " + call + ": index " + i + " ran " + seen.get(i) + " times");
                            }
                        }
                        ran++;
                    }
                    return new int[] {ran, refused};
                });
            }
            int ran = 0, refused = 0;
            for (Future<int[]> f : results) {
                int[] r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> f.get());
                ran += r[0];
                refused += r[1];
            }
            assertEquals(2 * calls, ran + refused);
            assertTrue(ran > 0, "some calls ran");
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void chunksMustCoverTheRangeWithNoneEmpty() {
        try (WorkerPool pool = new WorkerPool(2)) {
            assertThrows(IllegalArgumentException.class, () -> pool.forChunks((a, b) -> { }, 0, 100, 10, 9, null));   // 90 of 100
            assertThrows(IllegalArgumentException.class, () -> pool.forChunks((a, b) -> { }, 0, 100, 10, 11, null));  // an empty 11th
            assertThrows(IllegalArgumentException.class, () -> pool.forChunks((a, b) -> { }, 0, 100, 0, 10, null));
            assertThrows(IllegalArgumentException.class, () -> pool.forChunks((a, b) -> { }, 5, 4, 1, 1, null));
            pool.forChunks((a, b) -> { }, 0, 100, 10, 10, null);
            pool.forChunks((a, b) -> { }, 0, 95, 10, 10, null);   // the last chunk shorter
        }
    }

    /** Several failing runs of chunks: the first failure is thrown and every other one is in it, suppressed. */
    @Test
    void theFirstFailureIsThrownWithTheOthersSuppressed() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicInteger runs = new AtomicInteger();
            RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(RuntimeException.class,
                    () -> pool.forChunks((a, b) -> {
                        runs.incrementAndGet();
                        throw new IllegalArgumentException("chunk " + a);
                    }, 0, 8, 1, 8, null)));
            int total = 1 + e.getSuppressed().length;
            assertTrue(runs.get() > 1, "several runs of chunks failed: " + runs);
            assertEquals(runs.get(), total, "every failing run of chunks is reported: " + e);
            assertTrue(e.getMessage().startsWith("chunk "), e.getMessage());
        }
    }

    @Test
    void aFailingAlongsideIsNotLostBehindAFailingChunk() {
        try (WorkerPool pool = new WorkerPool(2)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> pool.forChunks((a, b) -> {
                throw new IllegalArgumentException("chunk " + a);
            }, 0, 4, 1, 4, () -> {
                throw new IllegalStateException("alongside");
            }));
            boolean alongside = e.getMessage().equals("alongside");
            for (Throwable s : e.getSuppressed()) {
                alongside |= "alongside".equals(s.getMessage());
            }
            assertTrue(alongside, "alongside's failure is kept: " + e);
        }
    }
}
