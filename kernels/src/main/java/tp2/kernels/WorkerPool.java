package tp2.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of long-lived threads that share out the chunks of one range at a time with the
 * calling thread ({@link #forChunks}). Nothing is allocated per call.
 *
 * <p>Each thread owns a contiguous run of the chunks and works through it from the front, taking
 * half of what it has left at a time; a thread whose run is empty takes single chunks from the back
 * of the run with the most left. When the threads run at the same speed each computes its own run
 * (the same rows every call, so its data stays in its core's caches); when one runs slower, because
 * a virtual machine's cores are shared with other guests, or the operating system has descheduled
 * it to run another program, the others take its chunks instead of waiting for it.
 *
 * <p>The caller waits only for chunks another thread has <em>taken</em>, never for a thread to
 * arrive: a worker that has not noticed the call yet takes nothing, and a call can finish on the
 * caller alone. Every run word carries the call's generation, so a worker that arrives after the
 * call ended takes no chunk of the next one by mistake.
 *
 * <p>Between calls a worker spins for up to {@link #SPIN_NANOS} before it parks: a training step
 * makes its calls a few microseconds apart, and waking a parked thread costs tens of microseconds
 * on a virtual machine.
 *
 * <p><b>When the machine is busy.</b> A worker the operating system deschedules in the middle of a
 * chunk holds up the call until it runs again, for milliseconds when another program competes for
 * a core; and a worker that spins competes with that program for the caller's core too. So the
 * caller keeps score over windows of {@link #WINDOW} calls. Two bad windows in a row (the caller
 * waited for other threads' chunks over a quarter of the window, ran more than three quarters of
 * the chunks itself, or the window took 1.6 times the median of the recent good ones; a single bad
 * window is a hiccup: a garbage collection, the JIT compiling, the host) start a trial: the
 * next windows run on the caller alone, the workers parked, leaving their cores to the other
 * program, and the pool stays solo if that ran at least 5% faster than the two bad windows. A
 * failed trial doubles the number of windows before the next (up to {@link #LONGEST_WAIT}). A
 * training pass starts a new window ({@link #newPhase}). While solo, the pool tries the
 * workers again after {@link #FIRST_WAIT} windows, twice as many after each failed try, and goes
 * back to them when they are 5% faster. A trial is two windows, of which the second is timed (the
 * first wakes the workers up or lets them park). Results do not change: the same chunks are
 * computed either way.
 *
 * <p><b>One call at a time.</b> A call's chunks and run words belong to that call: a second call
 * from another thread, or from a chunk or {@code alongside} of the call in progress (on any
 * thread), would overwrite them and hang or skip chunks. Such a call is refused with an
 * {@link IllegalStateException} before it touches anything.
 */
final class WorkerPool implements AutoCloseable {

    /** How long an idle worker spins before it parks. */
    static final long SPIN_NANOS = 1_000_000; // 1 ms
    /** Calls over which the caller keeps score: some 30 training steps. */
    static final int WINDOW = 96; // calls
    /** {@code -Dtp2.pool.trace=true} prints each window's score and mode on stderr (a diagnostic). */
    private static final boolean TRACE = Boolean.getBoolean("tp2.pool.trace");
    /** Windows between a trial and the next: the first, and the longest after failed trials. */
    static final int FIRST_WAIT = 2, LONGEST_WAIT = 64; // windows
    /** Longs between two threads' run words: one 64-byte cache line each. */
    private static final int RUN_STRIDE = 8;
    /** Bits of a run word: generation (high), first chunk, end chunk. */
    private static final int CHUNK_BITS = 20;
    private static final long CHUNK_MASK = (1L << CHUNK_BITS) - 1;
    private static final long GENERATION_MASK = (1L << (64 - 2 * CHUNK_BITS)) - 1;
    /** At most this many chunks in a call. */
    static final int MAX_CHUNKS = (int) CHUNK_MASK;

    private final int threads;
    private final Thread[] workers;
    /** Per thread, its run of chunks not yet taken: generation, first, end. */
    private final AtomicLongArray runs;
    /** Chunks of the call in progress that have finished. */
    private final AtomicInteger finished = new AtomicInteger();
    private final boolean[] parked;   // per worker: about to park or parked (read and written under volatile order below)

    // The call in progress: written by the caller before the volatile write of generation.
    private ParallelKernels.Rows chunk;
    private int from;
    private int to;
    private int chunkSize;
    private int chunks;
    private volatile long generation;
    /** The first failure of the call in progress (a chunk's or {@code alongside}'s); later ones are suppressed in it. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** The thread whose call is in progress, or null between calls. */
    private final AtomicReference<Thread> caller = new AtomicReference<>();
    private volatile boolean closed;
    private volatile int sleepers;   // workers that may be parked
    // The caller's score keeping (only the caller touches these).
    private boolean solo;             // this window runs on the caller alone
    private int trial;                // 0: no trial; 2: the trial's first window; 1: its timed window
    private int windowCalls;
    private long windowNanos;         // time spent in calls this window
    private long windowWaitNanos;     // of which waiting for other threads' chunks
    private long lastSoloNanos;       // the last solo window: what a trial of the workers must beat
    private int windowsSinceTrial;
    private int soloWait = FIRST_WAIT;       // windows before the next try of the workers, while solo
    private int parallelWait = 0;            // windows before the next try of solo, while parallel
    private int badWindows;                  // consecutive bad parallel windows
    private long triggerNanos;               // their mean time: what a solo trial must beat
    private final long[] recent = new long[8];   // the last good parallel windows' times
    private final long[] sorted = new long[8];   // scratch for their median
    private int recentCount;
    private int recentNext;
    private long windowChunks;               // chunks of this window's calls
    private long windowOwnChunks;            // of which the caller ran
    private long soloCallsTotal;

    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.runs = new AtomicLongArray(threads * RUN_STRIDE);
        this.parked = new boolean[threads];
        this.workers = new Thread[threads - 1];
        try {
            for (int part = 1; part < threads; part++) {
                int id = part;
                Thread t = new Thread(() -> work(id), "tp2-kernels-" + id);
                t.setDaemon(true);
                t.start();
                workers[part - 1] = t;
            }
        } catch (RuntimeException | Error e) {   // no thread could start (a limit on processes): stop those that did
            close();
            throw e;
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code chunk} on [from, to) cut into {@code chunks} chunks of {@code chunkSize} (the last
     * one shorter), shared among the threads, and returns when every chunk has finished. Before
     * taking chunks itself the caller runs {@code alongside} (when not null): work of its own that
     * can overlap the chunks. A failure of a chunk or of {@code alongside} is rethrown here.
     */
    void forChunks(ParallelKernels.Rows chunk, int from, int to, int chunkSize, int chunks, Runnable alongside) {
        if (closed) {
            throw new IllegalStateException("the worker pool is closed");
        }
        if (chunks < 1 || chunks > MAX_CHUNKS) {
            throw new IllegalArgumentException("chunks must be in 1.." + MAX_CHUNKS + ", got " + chunks);
        }
        if (from > to || chunkSize < 1 || (long) chunks * chunkSize < to - from || (long) (chunks - 1) * chunkSize >= Math.max(1, to - from)) {
            throw new IllegalArgumentException("chunks must cover [" + from + ", " + to + ") with none empty: " + chunks
                    + " chunks of " + chunkSize);
        }
        Thread me = Thread.currentThread();
        if (!caller.compareAndSet(null, me)) {
            Thread busy = caller.get();
            throw new IllegalStateException("the worker pool is running a call of " + (busy == me ? "this thread" : busy)
                    + ": a call from one of its chunks or from a second thread at once is refused (one call at a time)");
        }
        try {
            call(chunk, from, to, chunkSize, chunks, alongside);
        } finally {
            caller.set(null);
        }
    }

    private void call(ParallelKernels.Rows chunk, int from, int to, int chunkSize, int chunks, Runnable alongside) {
        if (threads == 1 || chunks == 1) {
            if (alongside != null) {
                alongside.run();
            }
            chunk.run(from, to);
            return;
        }
        long callStart = System.nanoTime();
        if (solo) {
            soloCallsTotal++;
            try {
                if (alongside != null) {
                    alongside.run();
                }
                chunk.run(from, to);
            } finally {
                score(System.nanoTime() - callStart, 0);
            }
            return;
        }
        this.chunk = chunk;
        this.from = from;
        this.to = to;
        this.chunkSize = chunkSize;
        this.chunks = chunks;
        failure.set(null);
        finished.set(0);
        long g = (generation + 1) & GENERATION_MASK;
        for (int p = 0; p < threads; p++) {
            runs.set(p * RUN_STRIDE, pack(g, (long) chunks * p / threads, (long) chunks * (p + 1) / threads));
        }
        generation = g;   // volatile write: publishes the call; a worker reads it before taking a chunk
        if (sleepers > 0) {
            for (int p = 1; p < threads; p++) {
                if (parked[p]) {
                    LockSupport.unpark(workers[p - 1]);
                }
            }
        }
        try {
            if (alongside != null) {
                alongside.run();
            }
        } catch (Throwable t) {
            fail(t);
        }
        windowChunks += chunks;
        take(0, g);
        long waitStart = System.nanoTime();
        for (int spins = 0; finished.get() != chunks; spins++) {   // chunks other threads are running
            if (spins < 1 << 12) {
                Thread.onSpinWait();
            } else {
                Thread.yield();   // the thread we wait for may share this core
            }
        }
        long callEnd = System.nanoTime();
        score(callEnd - callStart, callEnd - waitStart);
        this.chunk = null;
        Throwable first = failure.getAndSet(null);
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    /** Keeps the call's first failure; a later one is added to it as suppressed, none is lost. */
    private void fail(Throwable t) {
        if (!failure.compareAndSet(null, t)) {
            Throwable first = failure.get();
            if (first != null && first != t) {
                first.addSuppressed(t);
            }
        }
    }

    /** Adds a call to the window's score; at the window's end, starts, judges or skips a trial of the other mode. */
    private void score(long callNanos, long waitNanos) {
        windowNanos += callNanos;
        windowWaitNanos += waitNanos;
        if (++windowCalls < WINDOW) {
            return;
        }
        if (TRACE) {
            System.err.printf(java.util.Locale.ROOT, "tp2 pool: %s window%s: %.1f ms, waited %.1f ms, caller ran %d of %d chunks%n",
                    solo ? "solo" : "parallel", trial == 0 ? "" : trial == 2 ? " (trial, warming up)" : " (trial, timed)",
                    windowNanos / 1e6, windowWaitNanos / 1e6, windowOwnChunks, windowChunks);
        }
        if (trial == 2) {
            trial = 1;   // the trial's first window only warms the new mode up
        } else if (trial == 1) {
            trial = 0;
            // a solo trial against the two bad windows that started it; the workers against the last solo window
            long other = solo ? triggerNanos : lastSoloNanos;
            boolean faster = windowNanos < other - other / 20;
            record();
            if (!faster) {
                solo = !solo;   // not 5% faster: back to the other mode
            }
            if (solo) {   // the workers lost, as the trial or against it
                soloWait = faster ? FIRST_WAIT : Math.min(LONGEST_WAIT, 2 * soloWait);
            } else {      // the workers won, as the trial or against it
                parallelWait = faster ? 0 : Math.min(LONGEST_WAIT, Math.max(FIRST_WAIT, 2 * parallelWait));
                recentCount = faster ? 0 : recentCount;   // back from solo: the old times are another machine's
            }
            windowsSinceTrial = 0;
        } else {
            record();
            windowsSinceTrial++;
            boolean trialNow;
            if (solo) {
                trialNow = windowsSinceTrial >= soloWait;
            } else {
                long typical = typicalParallel();
                boolean bad = windowWaitNanos > windowNanos / 4 || windowOwnChunks * 4 > windowChunks * 3
                        || (typical > 0 && windowNanos > typical * 8 / 5);
                if (bad) {
                    triggerNanos = badWindows == 0 ? windowNanos : (triggerNanos + windowNanos) / 2;
                    badWindows++;
                } else {
                    badWindows = 0;
                    recent[recentNext] = windowNanos;   // a good window: part of what is typical
                    recentNext = (recentNext + 1) % recent.length;
                    recentCount = Math.min(recent.length, recentCount + 1);
                }
                trialNow = badWindows >= 2 && windowsSinceTrial >= parallelWait;
            }
            if (trialNow) {
                solo = !solo;
                trial = 2;
                badWindows = 0;
            }
        }
        clearWindow();
    }

    /** Empties the score window (not the record of good and bad windows). */
    private void clearWindow() {
        windowCalls = 0;
        windowNanos = 0;
        windowWaitNanos = 0;
        windowChunks = 0;
        windowOwnChunks = 0;
    }

    /** Keeps the window just ended as the last solo window when it was one. */
    private void record() {
        if (solo) {
            lastSoloNanos = windowNanos;
        }
    }

    /**
     * Starts a new score window: the calls so far (an evaluation, say, or the pause of writing a
     * checkpoint, after which the workers wake up slowly) are not judged with the ones to come.
     */
    void newPhase() {
        clearWindow();
        badWindows = 0;
    }

    /** The median of the recent good parallel windows, or 0 before four of them. */
    private long typicalParallel() {
        if (recentCount < 4) {
            return 0;
        }
        System.arraycopy(recent, 0, sorted, 0, recentCount);
        java.util.Arrays.sort(sorted, 0, recentCount);
        return sorted[recentCount / 2];
    }

    /** Calls run on the caller alone so far because the workers stalled (see the class comment). */
    long soloCalls() {
        return soloCallsTotal;
    }

    /** Takes and runs chunks of generation g: from the front of its own run, then from others' backs. */
    private void take(int part, long g) {
        int own = part * RUN_STRIDE;
        while (true) {
            long run = runs.get(own);
            long first = first(run), end = end(run);
            if (generationOf(run) != g || first >= end) {
                break;
            }
            long take = Math.max(1, (end - first) / 2);
            if (runs.compareAndSet(own, run, pack(g, first + take, end))) {
                runChunks(part, first, first + take);
            }
        }
        while (true) {
            int victim = -1;
            long most = 0;
            for (int p = 0; p < threads; p++) {
                long run = runs.get(p * RUN_STRIDE);
                long left = end(run) - first(run);
                if (generationOf(run) == g && left > most) {
                    most = left;
                    victim = p * RUN_STRIDE;
                }
            }
            if (victim < 0) {
                return;
            }
            long run = runs.get(victim);
            long first = first(run), end = end(run);
            if (generationOf(run) == g && first < end && runs.compareAndSet(victim, run, pack(g, first, end - 1))) {
                runChunks(part, end - 1, end);
            }
        }
    }

    /** Runs chunks [c0, c1) of the call in progress; taken under the call's generation, so its fields are current. */
    private void runChunks(int part, long c0, long c1) {
        if (part == 0) {
            windowOwnChunks += c1 - c0;   // the caller's count: only the caller writes it
        }
        try {
            chunk.run((int) Math.min(to, from + c0 * chunkSize), (int) Math.min(to, from + c1 * chunkSize));
        } catch (Throwable t) {
            fail(t);
        } finally {
            finished.addAndGet((int) (c1 - c0));
        }
    }

    private static long pack(long g, long first, long end) {
        return g << (2 * CHUNK_BITS) | first << CHUNK_BITS | end;
    }

    private static long generationOf(long run) {
        return run >>> (2 * CHUNK_BITS);
    }

    private static long first(long run) {
        return (run >>> CHUNK_BITS) & CHUNK_MASK;
    }

    private static long end(long run) {
        return run & CHUNK_MASK;
    }

    private void work(int part) {
        long seen = 0;
        while (true) {
            long idleSince = System.nanoTime();
            for (int spins = 0; generation == seen && !closed; spins++) {
                if ((spins & 255) != 0 || System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    park(part, seen);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            take(part, seen);
        }
    }

    /** Parks until a call after {@code seen} is published (or the pool closes), announcing it first. */
    private void park(int part, long seen) {
        synchronized (this) {
            parked[part] = true;
            sleepers++;
        }
        if (generation == seen && !closed) {   // re-checked after announcing: a publish in between unparks us
            LockSupport.park(this);
        }
        synchronized (this) {
            parked[part] = false;
            sleepers--;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }
}
