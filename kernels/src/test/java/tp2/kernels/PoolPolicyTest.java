package tp2.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pool's choice between the workers and the caller alone, driven by synthetic window timings. */
class PoolPolicyTest {

    /** A window of 100 ms in which the caller ran half of the chunks and waited 5%: what two healthy threads give. */
    private static final long GOOD = 100_000_000;

    /** Feeds one whole window: its total time, the caller's wait in it, and the share of the chunks it ran. */
    private static void window(PoolPolicy policy, long nanos, long waitNanos, double ownShare) {
        int chunksPerCall = 8;
        for (int call = 0; call < PoolPolicy.WINDOW; call++) {
            policy.called(nanos / PoolPolicy.WINDOW, waitNanos / PoolPolicy.WINDOW, chunksPerCall,
                    Math.round(ownShare * chunksPerCall));
        }
    }

    private static void goodWindow(PoolPolicy policy) {
        window(policy, GOOD, GOOD / 20, 0.5);
    }

    /** A worker descheduled: the caller waits for its chunks half of the time. */
    private static void stalledWindow(PoolPolicy policy) {
        window(policy, 2 * GOOD, GOOD, 0.5);
    }

    private static PoolPolicy afterGoodWindows(int windows) {
        PoolPolicy policy = new PoolPolicy(false);
        for (int w = 0; w < windows; w++) {
            goodWindow(policy);
        }
        return policy;
    }

    @Test
    void goodWindowsKeepTheWorkers() {
        PoolPolicy policy = afterGoodWindows(200);
        assertFalse(policy.solo());
    }

    @Test
    void oneBadWindowIsAHiccup() {
        PoolPolicy policy = afterGoodWindows(10);
        for (int i = 0; i < 20; i++) {
            stalledWindow(policy);
            goodWindow(policy);
            goodWindow(policy);
        }
        assertFalse(policy.solo(), "single bad windows between good ones never start a trial");
    }

    @Test
    void aStalledWorkerStartsASoloTrialThatStaysWhenFaster() {
        PoolPolicy policy = afterGoodWindows(10);
        stalledWindow(policy);
        assertFalse(policy.solo(), "one bad window");
        stalledWindow(policy);
        assertTrue(policy.solo(), "two bad windows in a row: a solo trial");
        window(policy, 3 * GOOD, 0, 1.0);   // warming up: not judged however slow
        assertTrue(policy.solo());
        window(policy, (long) (1.5 * GOOD), 0, 1.0);   // 25% faster than the stalled windows' 2 x GOOD
        assertTrue(policy.solo(), "the solo trial won");
    }

    @Test
    void aSoloTrialThatIsNotFasterGoesBackToTheWorkersAndWaitsLongerBeforeTheNext() {
        PoolPolicy policy = afterGoodWindows(10);
        stalledWindow(policy);
        stalledWindow(policy);
        assertTrue(policy.solo());
        window(policy, 2 * GOOD, 0, 1.0);
        window(policy, (long) (1.97 * GOOD), 0, 1.0);   // 1.5% faster: under the 5% margin
        assertFalse(policy.solo(), "the solo trial lost");
        // the next trial may start FIRST_WAIT windows after the lost one
        for (int w = 0; w < PoolPolicy.FIRST_WAIT - 1; w++) {
            stalledWindow(policy);
            assertFalse(policy.solo(), "window " + w + " after a lost trial");
        }
        stalledWindow(policy);
        assertTrue(policy.solo(), "after the wait, bad windows in a row start the next trial");
        // it loses too: the wait doubles
        window(policy, 2 * GOOD, 0, 1.0);
        window(policy, 2 * GOOD, 0, 1.0);
        assertFalse(policy.solo());
        for (int w = 0; w < 2 * PoolPolicy.FIRST_WAIT - 1; w++) {
            stalledWindow(policy);
            assertFalse(policy.solo(), "window " + w + " of the doubled wait");
        }
        stalledWindow(policy);
        assertTrue(policy.solo(), "twice the wait after the second lost trial, the third starts");
    }

    @Test
    void whileSoloTheWorkersAreTriedAgainAndComeBackWhenFaster() {
        PoolPolicy policy = soloAfterAWonTrial();
        for (int w = 0; w < PoolPolicy.FIRST_WAIT - 1; w++) {
            window(policy, (long) (1.5 * GOOD), 0, 1.0);
            assertTrue(policy.solo());
        }
        window(policy, (long) (1.5 * GOOD), 0, 1.0);
        assertFalse(policy.solo(), "after " + PoolPolicy.FIRST_WAIT + " solo windows the workers are tried");
        window(policy, 3 * GOOD, GOOD, 0.5);   // waking up: not judged
        goodWindow(policy);                  // the other program has gone: 33% faster than solo
        assertFalse(policy.solo(), "the workers won their trial");
        for (int w = 0; w < 50; w++) {
            goodWindow(policy);
        }
        assertFalse(policy.solo());
    }

    @Test
    void aLostTryOfTheWorkersDoublesTheSoloWait() {
        PoolPolicy policy = soloAfterAWonTrial();
        long solo = (long) (1.5 * GOOD);
        window(policy, solo, 0, 1.0);
        window(policy, solo, 0, 1.0);
        assertFalse(policy.solo(), "the workers' first try");
        window(policy, 2 * GOOD, GOOD, 0.5);
        window(policy, 2 * GOOD, GOOD, 0.5);   // still stalled: slower than solo
        assertTrue(policy.solo(), "the workers lost");
        for (int w = 0; w < 2 * PoolPolicy.FIRST_WAIT - 1; w++) {
            window(policy, solo, 0, 1.0);
            assertTrue(policy.solo(), "window " + w + " of the doubled wait");
        }
        window(policy, solo, 0, 1.0);
        assertFalse(policy.solo(), "the next try after twice the wait");
    }

    @Test
    void aWindowFarSlowerThanTheRecentGoodOnesIsBad() {
        PoolPolicy policy = afterGoodWindows(10);
        window(policy, 17 * GOOD / 10, GOOD / 20, 0.5);   // 1.7x the median, no waiting to see
        window(policy, 17 * GOOD / 10, GOOD / 20, 0.5);
        assertTrue(policy.solo(), "two windows 1.7x the typical one start a trial");
        PoolPolicy young = afterGoodWindows(PoolPolicy.MIN_GOOD_FOR_MEDIAN - 1);
        window(young, 17 * GOOD / 10, GOOD / 20, 0.5);
        window(young, 17 * GOOD / 10, GOOD / 20, 0.5);
        assertFalse(young.solo(), "no median before " + PoolPolicy.MIN_GOOD_FOR_MEDIAN + " good windows");
    }

    @Test
    void aCallerThatRunsNearlyEveryChunkItselfIsBad() {
        PoolPolicy policy = afterGoodWindows(10);
        window(policy, GOOD, 0, 0.875);   // the workers arrive too late to take a chunk
        window(policy, GOOD, 0, 0.875);
        assertTrue(policy.solo());
    }

    @Test
    void aNewPhaseForgetsABadWindowBeforeIt() {
        PoolPolicy policy = afterGoodWindows(10);
        stalledWindow(policy);
        policy.newPhase();   // an evaluation and a checkpoint write came between
        stalledWindow(policy);
        assertFalse(policy.solo(), "a bad window on each side of a new phase is not two in a row");
    }

    @Test
    void aPartialWindowIsDroppedByANewPhase() {
        PoolPolicy policy = afterGoodWindows(10);
        for (int call = 0; call < PoolPolicy.WINDOW - 1; call++) {
            policy.called(50 * GOOD, 50 * GOOD, 8, 8);   // dreadful, but one call short of a window
        }
        policy.newPhase();
        goodWindow(policy);
        goodWindow(policy);
        assertFalse(policy.solo());
    }

    /** Stalled twice, then a solo trial that won: the policy is solo with its first wait. */
    private static PoolPolicy soloAfterAWonTrial() {
        PoolPolicy policy = afterGoodWindows(10);
        stalledWindow(policy);
        stalledWindow(policy);
        window(policy, (long) (1.5 * GOOD), 0, 1.0);
        window(policy, (long) (1.5 * GOOD), 0, 1.0);
        assertTrue(policy.solo());
        return policy;
    }
}
