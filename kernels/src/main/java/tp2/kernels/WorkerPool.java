package tp2.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of long-lived threads that run one {@link Slice} each time {@link #run} is called,
 * the caller taking part 0. Nothing is allocated per call: the caller publishes the slice through a
 * volatile generation counter. Between calls a worker spins for up to {@link #SPIN_NANOS} before
 * it parks: a training step makes several calls with a little serial work between them, and
 * waking a parked thread costs tens to hundreds of microseconds on a virtual machine.
 */
final class WorkerPool implements AutoCloseable {

    /** One part of a split call. */
    interface Slice {
        void run(int part, int parts);
    }

    /** How long an idle worker spins before it parks. */
    static final long SPIN_NANOS = 2_000_000; // 2 ms

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Slice task;
    private volatile long generation;
    private volatile Throwable failure;
    private volatile boolean closed;

    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int part = 1; part < threads; part++) {
            int id = part;
            Thread t = new Thread(() -> work(id), "tp2-kernels-" + id);
            t.setDaemon(true);
            workers[part - 1] = t;
            t.start();
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code slice} for parts 0..threads-1 and returns when all are done, rethrowing a failure. */
    void run(Slice slice) {
        if (closed) {
            throw new IllegalStateException("the worker pool is closed");
        }
        if (threads == 1) {
            slice.run(0, 1);
            return;
        }
        task = slice;
        failure = null;
        pending.set(threads - 1);
        generation = generation + 1;   // volatile write: publishes the task and the caller's arguments
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
        Throwable own = null;
        try {
            slice.run(0, threads);
        } catch (Throwable t) {
            own = t;
        }
        while (pending.get() != 0) {   // the workers are running their parts: they finish soon
            Thread.onSpinWait();
        }
        Throwable first = own != null ? own : failure;
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

    private void work(int part) {
        long seen = 0;
        while (true) {
            long idleSince = System.nanoTime();
            for (int spins = 0; generation == seen && !closed; spins++) {
                if ((spins & 255) != 0 || System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                task.run(part, threads);
            } catch (Throwable t) {
                failure = t;
            }
            pending.decrementAndGet();
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
