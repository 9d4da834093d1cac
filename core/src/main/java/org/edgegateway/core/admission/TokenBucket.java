package org.edgegateway.core.admission;

/**
 * A token bucket on a nanosecond time line: holds up to {@code capacity} tokens, refills at
 * {@code perSecond}, starts full. Not thread-safe: each bucket belongs to one thread.
 *
 * <p>A request larger than the whole bucket is admitted when the bucket is full and leaves it in
 * debt, so a single message above the byte allowance is not refused for ever, and the client pays
 * for it with silence afterwards.
 */
final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, double capacity, long now) {
        if (!(perSecond > 0) || !(capacity > 0)) {
            throw new IllegalArgumentException("token bucket needs a positive rate and capacity, got "
                    + perSecond + "/s and " + capacity);
        }
        this.perNano = perSecond / 1e9;
        this.capacity = capacity;
        this.tokens = capacity;
        this.last = now;
    }

    /** Whether {@code amount} tokens could be taken at {@code now} (refills first). */
    boolean available(double amount, long now) {
        refill(now);
        return tokens >= Math.min(amount, capacity);
    }

    /** Takes {@code amount}; call after {@link #available} said yes, at the same {@code now}. */
    void take(double amount) {
        tokens -= amount;
    }

    /** {@link #available} then {@link #take}. */
    boolean tryTake(double amount, long now) {
        if (!available(amount, now)) {
            return false;
        }
        take(amount);
        return true;
    }

    double tokens(long now) {
        refill(now);
        return tokens;
    }

    double capacity() {
        return capacity;
    }

    private void refill(long now) {
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            last = now;
        }
    }
}
