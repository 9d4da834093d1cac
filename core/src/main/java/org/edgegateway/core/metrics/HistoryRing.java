package org.edgegateway.core.metrics;

import java.util.Arrays;

/**
 * A fixed number of equal intervals ("points") of a few counters, the newest overwriting the oldest,
 * in one {@code long[]} allocated at construction. Not thread-safe: {@link MetricHistory} guards it.
 *
 * <p>A point is known by its end, a whole multiple of the step. Columns before {@code firstGauge}
 * are counters: what is added to a point accumulates. The others are gauges: a point keeps the
 * last value given. A point ending after the newest opens a new one; the points it skips (the
 * sampler was late) are empty, with the gauges of the new one. A point ending before the newest (the
 * clock went back) adds to the newest, so nothing counted is lost.
 */
final class HistoryRing {
    private final long stepMillis;
    private final int capacity;
    private final int columns;
    private final int firstGauge;
    private final long[] values;
    /** The slot of the newest point; meaningless while {@code size == 0}. */
    private int newest;
    private int size;
    /** The end of the newest point, epoch milliseconds. */
    private long end;

    HistoryRing(long stepMillis, int capacity, int columns, int firstGauge) {
        if (stepMillis < 1) {
            throw new IllegalArgumentException("stepMillis < 1: " + stepMillis);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity < 1: " + capacity);
        }
        if (firstGauge < 0 || firstGauge > columns) {
            throw new IllegalArgumentException("firstGauge outside 0.." + columns + ": " + firstGauge);
        }
        this.stepMillis = stepMillis;
        this.capacity = capacity;
        this.columns = columns;
        this.firstGauge = firstGauge;
        this.values = new long[Math.multiplyExact(capacity, columns)];
    }

    long stepMillis() {
        return stepMillis;
    }

    int size() {
        return size;
    }

    /** The end of the newest point in epoch milliseconds; only when {@link #size()} is positive. */
    long end() {
        return end;
    }

    /** Adds {@code sample} (one value per column) to the point that ends at {@code endMillis}. */
    void add(long endMillis, long[] sample) {
        if (endMillis % stepMillis != 0) {
            throw new IllegalArgumentException("point end " + endMillis + " is not a multiple of the step " + stepMillis);
        }
        if (sample.length != columns) {
            throw new IllegalArgumentException("sample of " + sample.length + " values for " + columns + " columns");
        }
        int opened = 0;
        if (size == 0) {
            open(0, endMillis);
            opened = 1;
        } else if (endMillis > end) {
            long steps = (endMillis - end) / stepMillis;
            if (steps >= capacity) {
                size = 0;
                open(0, endMillis);
                opened = 1;
            } else {
                for (int i = 0; i < steps; i++) {
                    open((newest + 1) % capacity, end + stepMillis);
                }
                opened = (int) steps;
            }
        }
        int at = newest * columns;
        for (int c = 0; c < firstGauge; c++) {
            values[at + c] += sample[c];
        }
        // The newest point keeps the gauges just sampled, and so do the points skipped over.
        for (int p = 0; p < Math.max(opened, 1); p++) {
            int slot = Math.floorMod(newest - p, capacity) * columns;
            System.arraycopy(sample, firstGauge, values, slot + firstGauge, columns - firstGauge);
        }
    }

    private void open(int slot, long pointEnd) {
        Arrays.fill(values, slot * columns, (slot + 1) * columns, 0L);
        newest = slot;
        end = pointEnd;
        size = Math.min(size + 1, capacity);
    }

    /** Column {@code column} of every point, oldest first. */
    long[] column(int column) {
        long[] out = new long[size];
        int oldest = Math.floorMod(newest - size + 1, capacity);
        for (int i = 0; i < size; i++) {
            out[i] = values[((oldest + i) % capacity) * columns + column];
        }
        return out;
    }
}
