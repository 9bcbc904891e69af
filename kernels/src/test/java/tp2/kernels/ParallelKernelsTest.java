package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tp2.kernels.TestBackends.create;
import static tp2.kernels.TestBackends.gaussian;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Splitting a call over threads gives the backend's own result, bit for bit, for any thread count. */
class ParallelKernelsTest {
    private static final int[][] SHAPES = {{128, 3072, 100}, {128, 100, 10}, {80, 3072, 100}, {500, 100, 10},
        {37, 129, 113}, {1, 3072, 100}, {2, 65, 17}, {0, 5, 5}, {300, 300, 3}};

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void everyKernelIsIndependentOfTheThreadCount(Backend backend) {
        Kernels single = create(backend);
        for (int threads : new int[] {1, 2, 3, 5}) {
            try (ParallelKernels parallel = new ParallelKernels(backend.create(), threads)) {
                Random random = new Random(threads);
                for (int[] s : SHAPES) {
                    int m = s[0], k = s[1], n = s[2];
                    String at = backend.cliName() + " " + threads + " threads " + TestBackends.shape(m, k, n);
                    float[] x = gaussian(random, m * k);
                    float[] w = gaussian(random, (k + 1) * n);
                    float[] g = gaussian(random, m * n);

                    float[] expected = new float[m * n];
                    float[] actual = new float[m * n];
                    single.matmulBias(x, w, expected, m, k, n);
                    parallel.matmulBias(x, w, actual, m, k, n);
                    assertArrayEquals(expected, actual, at + " matmulBias");
                    single.matmulBiasSigmoid(x, w, expected, m, k, n);
                    parallel.matmulBiasSigmoid(x, w, actual, m, k, n);
                    assertArrayEquals(expected, actual, at + " matmulBiasSigmoid");

                    float[] dwExpected = new float[(k + 1) * n];
                    float[] dwActual = new float[(k + 1) * n];
                    single.matmulGradW(x, g, dwExpected, m, k, n);
                    parallel.matmulGradW(x, g, dwActual, m, k, n);
                    assertArrayEquals(dwExpected, dwActual, at + " matmulGradW");

                    float[] gxExpected = new float[m * k];
                    float[] gxActual = new float[m * k];
                    single.matmulGradX(g, w, gxExpected, m, k, n);
                    parallel.matmulGradX(g, w, gxActual, m, k, n);
                    assertArrayEquals(gxExpected, gxActual, at + " matmulGradX");

                    float[] sExpected = new float[x.length];
                    float[] sActual = new float[x.length];
                    single.sigmoid(x, sExpected, 0, x.length);
                    parallel.sigmoid(x, sActual, 0, x.length);
                    assertArrayEquals(sExpected, sActual, at + " sigmoid");
                    float[] gExpected = x.clone();
                    float[] gActual = x.clone();
                    single.sigmoidBackward(sExpected, gExpected, Math.min(1, x.length), x.length);
                    parallel.sigmoidBackward(sExpected, gActual, Math.min(1, x.length), x.length);
                    assertArrayEquals(gExpected, gActual, at + " sigmoidBackward");

                    float[] wExpected = w.clone();
                    float[] wActual = w.clone();
                    float[] dw = gaussian(random, w.length);
                    assertEquals(single.sgdUpdate(wExpected, dw, 1e-3f, 1e-4f, 0, w.length),
                            parallel.sgdUpdate(wActual, dw, 1e-3f, 1e-4f, 0, w.length), at + " sgdUpdate probe");
                    assertArrayEquals(wExpected, wActual, at + " sgdUpdate");
                    wActual[wActual.length / 2] = Float.NaN;
                    assertTrue(Float.isNaN(parallel.sgdUpdate(wActual, dw, 1e-3f, 1e-4f, 0, w.length)),
                            at + " sgdUpdate probe of a NaN weight");

                    byte[] pixels = new byte[(m + 3) * k];
                    random.nextBytes(pixels);
                    int[] order = new int[m];
                    for (int i = 0; i < m; i++) {
                        order[i] = random.nextInt(m + 3);
                    }
                    float[] mean = gaussian(random, k);
                    float[] xExpected = new float[m * k];
                    float[] xActual = new float[m * k];
                    single.gatherCentered(pixels, order, 0, mean, xExpected, m, k, 0, m);
                    parallel.gatherCentered(pixels, order, 0, mean, xActual, m, k, 0, m);
                    assertArrayEquals(xExpected, xActual, at + " gatherCentered");
                    int c0 = k / 3, c1 = k - k / 5;
                    float[] wExpectedX = new float[m * (c1 - c0)];
                    float[] wActualX = new float[m * (c1 - c0)];
                    single.gatherCentered(pixels, order, 0, mean, wExpectedX, m, k, c0, c1, 0, m);
                    parallel.gatherCentered(pixels, order, 0, mean, wActualX, m, k, c0, c1, 0, m);
                    assertArrayEquals(wExpectedX, wActualX, at + " gatherCentered columns");

                    float[] sumExpected = new float[x.length];
                    float[] sumActual = new float[x.length];
                    single.add(x, xExpected.length == x.length ? xExpected : x, sumExpected, 0, x.length);
                    parallel.add(x, xExpected.length == x.length ? xExpected : x, sumActual, 0, x.length);
                    assertArrayEquals(sumExpected, sumActual, at + " add");
                }
            }
        }
    }

    /**
     * Many calls in quick succession, of varying sizes, on 3 threads: every index of every call is
     * run exactly once, by whichever thread, and never with another call's task (each run word
     * carries its call's generation).
     */
    @Test
    void everyIndexOfEveryCallRunsExactlyOnce() {
        try (ParallelKernels parallel = new ParallelKernels(new NaiveKernels(), 3)) {
            Random random = new Random(5);
            java.util.concurrent.atomic.AtomicInteger current = new java.util.concurrent.atomic.AtomicInteger();
            for (int call = 0; call < 3000; call++) {
                int count = 1 + random.nextInt(40);
                int[] runs = new int[count];
                int id = call;
                current.set(id);
                parallel.forEach(0, count, (from, to) -> {
                    if (current.get() != id) {
                        throw new IllegalStateException("a chunk of call " + id + " ran during call " + current.get());
                    }
                    for (int i = from; i < to; i++) {
                        synchronized (runs) {
                            runs[i]++;
                        }
                    }
                }, null);
                for (int i = 0; i < count; i++) {
                    assertEquals(1, runs[i], "call " + call + " index " + i);
                }
            }
        }
    }

    /**
     * A worker that runs slowly (here: every slice it computes waits 400 ms, the caller's 25 ms,
     * which also leaves the worker time to wake up) has most of its rows taken over by the caller,
     * and still every row is computed exactly once; slices start at multiples of the backend's
     * row block.
     */
    @Test
    void aFastThreadTakesOverRowsOfASlowOne() {
        String caller = Thread.currentThread().getName();
        List<int[]> slices = Collections.synchronizedList(new ArrayList<>());
        List<String> threadsOfSlices = Collections.synchronizedList(new ArrayList<>());
        Kernels recording = recordingGradW(slices, threadsOfSlices, 25, 400);
        int m = 64, k = 255, n = 64;
        Random random = new Random(7);
        float[] a = gaussian(random, m * k);
        float[] g = gaussian(random, m * n);
        float[] expected = new float[(k + 1) * n];
        new NaiveKernels().matmulGradW(a, g, expected, m, k, n);
        float[] actual = new float[(k + 1) * n];
        try (ParallelKernels parallel = new ParallelKernels(recording, 2)) {
            parallel.matmulGradW(a, g, actual, m, k, n);
        }
        assertArrayEquals(expected, actual);
        int[] timesComputed = new int[k + 1];
        int callerRowsInWorkersHalf = 0;
        for (int i = 0; i < slices.size(); i++) {
            assertEquals(0, slices.get(i)[0] % 4, "a slice starts inside a row block: " + slices.get(i)[0]);
            for (int row = slices.get(i)[0]; row < slices.get(i)[1]; row++) {
                timesComputed[row]++;
                if (row >= (k + 1) / 2 && threadsOfSlices.get(i).equals(caller)) {
                    callerRowsInWorkersHalf++;
                }
            }
        }
        for (int row = 0; row <= k; row++) {
            assertEquals(1, timesComputed[row], "row " + row + " computed " + timesComputed[row] + " times");
        }
        // 256 rows, 16 chunks of 16 (8 per thread); the worker's run is the upper half: it takes
        // 4 chunks, then waits while the caller finishes its own run and takes the worker's rest
        assertTrue(slices.size() >= 4, "the call was not cut into chunks: " + slices.size() + " slices");
        assertTrue(threadsOfSlices.stream().anyMatch(name -> !name.equals(caller)), "the worker computed nothing");
        assertTrue(callerRowsInWorkersHalf >= 48, "the caller computed " + callerRowsInWorkersHalf
                + " rows of the worker's half; slices " + slices.size());
    }

    /**
     * Naive, with a row block of 4, recording every matmulGradW slice and the thread that ran it;
     * before each slice the test's thread waits {@code callerDelayMs}, any other {@code workerDelayMs}.
     */
    private static Kernels recordingGradW(List<int[]> slices, List<String> threadsOfSlices, long callerDelayMs,
                                          long workerDelayMs) {
        String caller = Thread.currentThread().getName();
        Kernels naive = new NaiveKernels();
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
            (proxy, method, args) -> {
                if (method.getName().equals("rowBlock")) {
                    return 4;
                }
                if (method.getName().equals("matmulGradW") && args.length == 8) {
                    slices.add(new int[] {(int) args[6], (int) args[7]});
                    threadsOfSlices.add(Thread.currentThread().getName());
                    Thread.sleep(Thread.currentThread().getName().equals(caller) ? callerDelayMs : workerDelayMs);
                }
                try {
                    return method.invoke(naive, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    /** A call with little work per row is not cut finer than one chunk per thread. */
    @Test
    void aSmallCallIsOneChunkPerThread() {
        List<int[]> slices = Collections.synchronizedList(new ArrayList<>());
        Kernels recording = recordingGradW(slices, Collections.synchronizedList(new ArrayList<>()), 0, 0);
        int m = 16, k = 255, n = 20;   // 81,920 multiply-adds: just above the parallel threshold
        Random random = new Random(8);
        float[] dw = new float[(k + 1) * n];
        try (ParallelKernels parallel = new ParallelKernels(recording, 2)) {
            parallel.matmulGradW(gaussian(random, m * k), gaussian(random, m * n), dw, m, k, n);
        }
        assertEquals(2, slices.size(), "slices of a small call");
    }

    /**
     * A chunk that fails on the worker thread (the caller's own chunk waits long enough for the
     * worker to take its run) is rethrown to the caller, with its message, and the pool still works.
     */
    @Test
    void aChunkFailingOnAWorkerIsRethrownToTheCaller() {
        String caller = Thread.currentThread().getName();
        List<String> failedOn = Collections.synchronizedList(new ArrayList<>());
        Kernels naive = new NaiveKernels();
        Kernels failing = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
            (proxy, method, args) -> {
                if (method.getName().equals("matmulGradW") && args.length == 8) {
                    if (Thread.currentThread().getName().equals(caller)) {
                        Thread.sleep(200);
                    } else {
                        failedOn.add(Thread.currentThread().getName());
                        throw new IllegalStateException("planted failure on " + Thread.currentThread().getName());
                    }
                }
                try {
                    return method.invoke(naive, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        int m = 64, k = 255, n = 64;
        Random random = new Random(9);
        float[] a = gaussian(random, m * k);
        float[] g = gaussian(random, m * n);
        try (ParallelKernels parallel = new ParallelKernels(failing, 2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> parallel.matmulGradW(a, g, new float[(k + 1) * n], m, k, n));
            assertFalse(failedOn.isEmpty(), "no chunk ran on the worker");
            assertTrue(e.getMessage().startsWith("planted failure on tp2-kernels-"), e.getMessage());
            float[] w = gaussian(random, (k + 1) * n);
            float[] expected = new float[m * n];
            float[] actual = new float[m * n];
            naive.matmulBias(a, w, expected, m, k, n);
            parallel.matmulBias(a, w, actual, m, k, n);
            assertArrayEquals(expected, actual, "a call after the failure");
        }
    }

    @ParameterizedTest
    @MethodSource("tp2.kernels.TestBackends#backends")
    void aFailingCallIsRethrownToTheCaller(Backend backend) {
        try (ParallelKernels parallel = new ParallelKernels(create(backend), 2)) {
            int[] labels = {0, 7};
            assertThrows(IllegalArgumentException.class, () -> parallel.squaredErrorLoss(new float[20], labels, 2, 5));
            assertEquals(backend.cliName(), parallel.name());
            assertEquals(2, parallel.threads());
        }
    }
}
