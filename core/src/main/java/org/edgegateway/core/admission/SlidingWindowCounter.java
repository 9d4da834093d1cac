package org.edgegateway.core.admission;

/**
 * Counts events over a sliding window in O(1) time and space: the count of the current fixed
 * window plus the previous window's count weighted by how much of it still overlaps the sliding
 * one. Not thread-safe. Times are in any unit, the same as the window length's.
 */
final class SlidingWindowCounter {
    private final long window;
    private long start;
    private long current;
    private long previous;

    SlidingWindowCounter(long window, long now) {
        if (window <= 0) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        this.window = window;
        this.start = now;
    }

    /** Records one event at {@code now}; returns the estimated count within the window ending now. */
    double add(long now) {
        roll(now);
        current++;
        return estimate(now);
    }

    /** The estimated count within the window ending at {@code now}. */
    double estimate(long now) {
        roll(now);
        double overlap = 1.0 - (double) (now - start) / window;
        return current + previous * Math.min(1, Math.max(0, overlap));
    }

    void reset(long now) {
        start = now;
        current = 0;
        previous = 0;
    }

    private void roll(long now) {
        long elapsed = now - start;
        if (elapsed < window) {
            return;
        }
        if (elapsed < 2 * window) {
            previous = current;
            start += window;
        } else {
            previous = 0;
            start = now;
        }
        current = 0;
    }
}
