package org.edgegateway.client;

import java.time.Duration;

/**
 * When a request that got no reply is sent again. Immutable.
 *
 * <p>A request is resent, always with the same correlation id, when no reply came within its attempt
 * timeout; the first attempt waits {@code firstAttemptTimeout}, each next one {@code multiplier}
 * times longer up to {@code maxAttemptTimeout}, each spread by a random factor in
 * {@code [1 - jitter, 1 + jitter]} so that many sensors cut off together do not come back in step.
 * Requests still waiting when the connection comes back after a loss are resent at once. The
 * request timeout of the client bounds the whole exchange. Because the gateway keeps a
 * de-duplication window per client and correlation id, a resent request is answered with the first
 * result and never recorded twice.
 */
public record RetryPolicy(Duration firstAttemptTimeout, double multiplier, Duration maxAttemptTimeout, double jitter,
                          boolean resendOnReconnect) {

    /** 1 s, doubling up to 8 s, 20 % jitter, resend on reconnect. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8), 0.2, true);

    /** Never resend: one attempt per request. */
    public static final RetryPolicy NONE = new RetryPolicy(Duration.ofDays(365), 1.0, Duration.ofDays(365), 0.0, false);

    public RetryPolicy {
        if (firstAttemptTimeout == null || firstAttemptTimeout.isNegative() || firstAttemptTimeout.isZero()) {
            throw new IllegalArgumentException("firstAttemptTimeout must be positive: " + firstAttemptTimeout);
        }
        if (maxAttemptTimeout == null || maxAttemptTimeout.compareTo(firstAttemptTimeout) < 0) {
            throw new IllegalArgumentException("maxAttemptTimeout < firstAttemptTimeout: " + maxAttemptTimeout);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier < 1: " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("jitter outside [0, 1): " + jitter);
        }
    }

    /**
     * The time to wait for attempt {@code attempt} (0 for the first send), before jitter, in nanoseconds.
     */
    long attemptTimeoutNanos(int attempt) {
        double nanos = firstAttemptTimeout.toNanos() * Math.pow(multiplier, attempt);
        return (long) Math.min(nanos, (double) maxAttemptTimeout.toNanos());
    }

    /** {@link #attemptTimeoutNanos(int)} spread by jitter; {@code random} is uniform in [0, 1). */
    long jitteredTimeoutNanos(int attempt, double random) {
        double factor = 1.0 + jitter * (2.0 * random - 1.0);
        return Math.max(1L, (long) (attemptTimeoutNanos(attempt) * factor));
    }
}
