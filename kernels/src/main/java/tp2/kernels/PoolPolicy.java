package tp2.kernels;

import java.util.Arrays;
import java.util.Locale;

/**
 * Decides, window after window of calls, whether {@link WorkerPool}'s calls run on the workers
 * ("parallel") or on the caller alone ("solo"). Only the pool's caller uses it; it never reads a
 * clock itself, so its decisions are tested with synthetic timings.
 *
 * <p>A worker the operating system deschedules in the middle of a chunk holds up the call until it
 * runs again, for milliseconds when another program competes for a core; and a worker that spins
 * competes with that program for the caller's core too. So the caller keeps score over windows of
 * {@link #WINDOW} calls. A parallel window is <em>bad</em> when the caller waited for other threads'
 * chunks over {@link #BAD_WAIT_SHARE} of it, ran over {@link #BAD_OWN_SHARE} of the chunks itself, or
 * took {@link #BAD_SLOWDOWN} times the median of the last {@link #RECENT_GOOD} good windows (once
 * there are {@link #MIN_GOOD_FOR_MEDIAN}). One bad window is a hiccup (a garbage collection, the JIT
 * compiling, the host); {@link #BAD_IN_A_ROW} in a row start a <em>trial</em> of solo.
 *
 * <p>A trial is two windows in the other mode: the first wakes the workers up or lets them park and
 * is not judged, the second is timed. A solo trial must beat the mean of the last two bad windows by
 * {@link #TRIAL_MARGIN}; a trial of the workers, while solo, must beat the last solo window by as
 * much. The winner stays. A lost solo trial doubles the windows before the next one may start (from
 * {@link #FIRST_WAIT} up to {@link #LONGEST_WAIT}); while solo, the workers are tried again after
 * {@link #FIRST_WAIT} windows, and twice as many after each lost try. Results do not change with the
 * mode: the same chunks are computed either way.
 */
final class PoolPolicy {

    /** Calls over which the caller keeps score: some 30 training steps. */
    static final int WINDOW = 96; // calls
    /** A parallel window in which the caller waited for others' chunks over this share of its time is bad. */
    static final double BAD_WAIT_SHARE = 0.25;
    /** A parallel window in which the caller ran over this share of the chunks itself is bad. */
    static final double BAD_OWN_SHARE = 0.75;
    /** A parallel window this many times slower than the median recent good one is bad. */
    static final double BAD_SLOWDOWN = 1.6;
    /** Good windows kept for that median, and how many it needs before it is used. */
    static final int RECENT_GOOD = 8, MIN_GOOD_FOR_MEDIAN = 4;
    /** Consecutive bad windows that start a solo trial (one alone is a hiccup). */
    static final int BAD_IN_A_ROW = 2;
    /** A trial's mode stays only when this much faster than what it is tried against. */
    static final double TRIAL_MARGIN = 0.05;
    /** Windows before a trial: the first wait, and the longest after lost trials. */
    static final int FIRST_WAIT = 2, LONGEST_WAIT = 64; // windows

    private enum Trial { NONE, WARMING_UP, TIMED }

    private final boolean trace;
    private boolean solo;
    private Trial trial = Trial.NONE;
    // the window in progress
    private int calls;
    private long nanos;        // time spent in calls
    private long waitNanos;    // of which waiting for other threads' chunks
    private long chunks;
    private long ownChunks;    // of which the caller ran
    // the record of windows
    private int windowsSinceTrial;
    private int soloWait = FIRST_WAIT;   // windows before the next try of the workers, while solo
    private int parallelWait = 0;        // windows before the next try of solo, while parallel
    private int badWindows;              // consecutive bad parallel windows
    private long lastBad, previousBad;   // the times of the last two of them
    private long lastSolo;               // the last solo window: what a trial of the workers must beat
    private final long[] good = new long[RECENT_GOOD];
    private final long[] sorted = new long[RECENT_GOOD];
    private int goodCount;
    private int goodNext;

    PoolPolicy(boolean trace) {
        this.trace = trace;
    }

    /** Whether calls run on the caller alone for now. */
    boolean solo() {
        return solo;
    }

    /**
     * Scores one call: its time, the part of it the caller waited for other threads' chunks, its
     * chunks and how many of them the caller ran. At the window's end, decides the next mode.
     */
    void called(long callNanos, long callWaitNanos, long callChunks, long callOwnChunks) {
        nanos += callNanos;
        waitNanos += callWaitNanos;
        chunks += callChunks;
        ownChunks += callOwnChunks;
        if (++calls == WINDOW) {
            endWindow();
        }
    }

    /**
     * Starts a new window: the calls so far (an evaluation, say, or the pause of writing a
     * checkpoint, after which the workers wake up slowly) are not judged with the ones to come, and
     * bad windows before it do not count towards a trial.
     */
    void newPhase() {
        clearWindow();
        badWindows = 0;
    }

    private void endWindow() {
        if (trace) {
            System.err.printf(Locale.ROOT, "tp2 pool: %s window%s: %.1f ms, waited %.1f ms, caller ran %d of %d chunks%n",
                    solo ? "solo" : "parallel", trial == Trial.NONE ? "" : trial == Trial.WARMING_UP ? " (trial, warming up)"
                    : " (trial, timed)", nanos / 1e6, waitNanos / 1e6, ownChunks, chunks);
        }
        if (solo) {
            lastSolo = nanos;
        }
        switch (trial) {
            case WARMING_UP -> trial = Trial.TIMED;
            case TIMED -> judgeTrial();
            case NONE -> {
                windowsSinceTrial++;
                boolean start;
                if (solo) {
                    start = windowsSinceTrial >= soloWait;
                } else {
                    scoreParallelWindow();
                    start = badWindows >= BAD_IN_A_ROW && windowsSinceTrial >= parallelWait;
                }
                if (start) {
                    solo = !solo;
                    trial = Trial.WARMING_UP;
                    badWindows = 0;
                }
            }
        }
        clearWindow();
    }

    /** The timed window of a trial ended: the faster mode stays, and the wait before the next trial follows. */
    private void judgeTrial() {
        trial = Trial.NONE;
        windowsSinceTrial = 0;
        long against = solo ? (lastBad + previousBad) / 2 : lastSolo;
        boolean won = nanos < against * (1 - TRIAL_MARGIN);
        if (!won) {
            solo = !solo;
        }
        if (solo) {   // solo won its trial, or the workers lost theirs
            soloWait = won ? FIRST_WAIT : Math.min(LONGEST_WAIT, 2 * soloWait);
        } else if (won) {   // the workers are back: the old good times are another machine's
            parallelWait = 0;
            goodCount = 0;
        } else {      // solo lost its trial
            parallelWait = Math.min(LONGEST_WAIT, Math.max(FIRST_WAIT, 2 * parallelWait));
        }
    }

    /** Counts a bad parallel window towards a trial, or keeps a good one as typical. */
    private void scoreParallelWindow() {
        long typical = typicalGood();
        boolean bad = waitNanos > BAD_WAIT_SHARE * nanos || ownChunks > BAD_OWN_SHARE * chunks
                || (typical > 0 && nanos > BAD_SLOWDOWN * typical);
        if (bad) {
            previousBad = badWindows == 0 ? nanos : lastBad;
            lastBad = nanos;
            badWindows++;
        } else {
            badWindows = 0;
            good[goodNext] = nanos;
            goodNext = (goodNext + 1) % RECENT_GOOD;
            goodCount = Math.min(RECENT_GOOD, goodCount + 1);
        }
    }

    /** The median of the recent good parallel windows, or 0 before {@link #MIN_GOOD_FOR_MEDIAN} of them. */
    private long typicalGood() {
        if (goodCount < MIN_GOOD_FOR_MEDIAN) {
            return 0;
        }
        System.arraycopy(good, 0, sorted, 0, goodCount);
        Arrays.sort(sorted, 0, goodCount);
        return sorted[goodCount / 2];
    }

    private void clearWindow() {
        calls = 0;
        nanos = 0;
        waitNanos = 0;
        chunks = 0;
        ownChunks = 0;
    }
}
