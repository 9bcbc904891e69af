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
 * chunk holds up the call; {@link PoolPolicy} keeps score of the calls and decides when they run on
 * the caller alone, leaving the workers parked, and when the workers are tried again.
 *
 * <p><b>One call at a time.</b> A call's chunks and run words belong to that call: a second call
 * from another thread, or from a chunk or {@code alongside} of the call in progress (on any
 * thread), would overwrite them and hang or skip chunks. Such a call is refused with an
 * {@link IllegalStateException} before it touches anything.
 */
final class WorkerPool implements AutoCloseable {

    /** How long an idle worker spins before it parks. */
    static final long SPIN_NANOS = 1_000_000; // 1 ms
    /** {@code -Dtp2.pool.trace=true} prints each window's score and mode on stderr (a diagnostic). */
    private static final boolean TRACE = Boolean.getBoolean("tp2.pool.trace");
    /** Spins of a caller waiting for other threads' chunks before it starts to yield its core. */
    private static final int SPINS_BEFORE_YIELD = 1 << 12;
    /** An idle worker reads the clock once every this many spins (a power of two, less one: a mask). */
    private static final int SPINS_PER_CLOCK_READ_MASK = 255;
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
    /** Decides solo or parallel from the calls' times (only the caller touches it). */
    private final PoolPolicy policy = new PoolPolicy(TRACE);
    private long callOwnChunks;               // chunks of the call in progress that the caller ran
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
        if (policy.solo()) {
            soloCallsTotal++;
            try {
                if (alongside != null) {
                    alongside.run();
                }
                chunk.run(from, to);
            } finally {
                policy.called(System.nanoTime() - callStart, 0, chunks, chunks);
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
        callOwnChunks = 0;
        take(0, g);
        long waitStart = System.nanoTime();
        for (int spins = 0; finished.get() != chunks; spins++) {   // chunks other threads are running
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();   // the thread we wait for may share this core
            }
        }
        long callEnd = System.nanoTime();
        policy.called(callEnd - callStart, callEnd - waitStart, chunks, callOwnChunks);
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

    /** Starts a new score window of the policy ({@link PoolPolicy#newPhase}). */
    void newPhase() {
        policy.newPhase();
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
            callOwnChunks += c1 - c0;   // the caller's count: only the caller writes it
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
                if ((spins & SPINS_PER_CLOCK_READ_MASK) != 0 || System.nanoTime() - idleSince < SPIN_NANOS) {
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
