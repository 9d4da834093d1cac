package org.edgegateway.core.router;

import java.time.Duration;

/**
 * How one {@link Lane} runs its calls. Immutable, checked in the constructor.
 *
 * @param timeout           time limit of one call, from its arrival; past it the client gets
 *                          {@code HANDLER_FAILED} (or {@code BUSY} when the call had not started)
 * @param threads           calls of the lane that run at once; more wait in the lane, in arrival order
 * @param maxStuck          calls past their time limit that may still be running (holding a thread)
 *                          before the lane is tripped as failed
 * @param slowAfter         a call running longer than this is counted and logged as slow
 * @param breakerFailures   consecutive failures (exceptions, time-outs, no result) that trip the lane
 * @param queueBytes        payload bytes of the lane's calls waiting or running; more get {@code BUSY}
 * @param maxCallAllocation bytes the lane's running calls may allocate, together, before the lane is
 *                          tripped and their threads stopped
 * @param inlineBudget      how long a call of a handler declared non-blocking may hold the router
 *                          thread before the lane loses the right to run inline
 */
public record LaneLimits(Duration timeout, int threads, int maxStuck, Duration slowAfter, int breakerFailures,
                         long queueBytes, long maxCallAllocation, Duration inlineBudget) {

    public LaneLimits {
        positive("timeout", timeout);
        positive("inline budget", inlineBudget);
        if (slowAfter == null || slowAfter.isNegative()) {
            throw new IllegalArgumentException("lane: slow-call mark must not be negative, got " + slowAfter);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("lane: threads < 1: " + threads);
        }
        if (maxStuck < 1) {
            throw new IllegalArgumentException("lane: calls allowed to be stuck < 1: " + maxStuck);
        }
        if (breakerFailures < 1) {
            throw new IllegalArgumentException("lane: breaker failures < 1: " + breakerFailures);
        }
        if (queueBytes < 1) {
            throw new IllegalArgumentException("lane: queue bytes < 1: " + queueBytes);
        }
        if (maxCallAllocation < 1) {
            throw new IllegalArgumentException("lane: call allocation < 1: " + maxCallAllocation);
        }
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("lane: " + what + " must be a positive duration, got " + d);
        }
    }

    /** Limits for handlers outside plugins: {@code threads} threads, {@code timeout}, the rest at the plugin defaults. */
    public static LaneLimits of(Duration timeout, int threads) {
        return new LaneLimits(timeout, threads, 2, Duration.ofMillis(250), 5, 16L * 1024 * 1024, 64L * 1024 * 1024,
                Duration.ofMillis(50));
    }

    /** The defaults: 2 s, 16 threads, 2 stuck calls, 250 ms slow mark, breaker at 5, 16 MiB, 64 MiB, 50 ms inline. */
    public static LaneLimits defaults() {
        return of(Duration.ofSeconds(2), 16);
    }

    public LaneLimits withTimeout(Duration t) {
        return new LaneLimits(t, threads, maxStuck, slowAfter, breakerFailures, queueBytes, maxCallAllocation,
                inlineBudget);
    }

    public LaneLimits withQueueBytes(long bytes) {
        return new LaneLimits(timeout, threads, maxStuck, slowAfter, breakerFailures, bytes, maxCallAllocation,
                inlineBudget);
    }

    public LaneLimits withInlineBudget(Duration budget) {
        return new LaneLimits(timeout, threads, maxStuck, slowAfter, breakerFailures, queueBytes, maxCallAllocation,
                budget);
    }
}
