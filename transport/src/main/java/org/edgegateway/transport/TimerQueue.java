package org.edgegateway.transport;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The timers of one poller: a binary min-heap ordered by expiry (then by the order they were set),
 * and an index from (sink, id) to the heap slot, so that each timer can be found without a scan.
 *
 * <p>Costs, for n timers: {@link #add} and {@link #cancel} O(log n); {@link #nextExpiry} O(1);
 * {@link #pollDue} O(log n) per timer it returns, and O(1) when nothing is due. Nothing is copied
 * or sorted as a whole, and a cancelled timer leaves the heap at once (no garbage left behind).
 *
 * <p>A (sink, id) pair names at most one timer, as in JeroMQ: setting it again moves it to the
 * new expiry. Sinks are compared with {@code equals}/{@code hashCode}.
 *
 * <p>Not thread-safe: a poller uses it from its own thread only.
 *
 * @param <S> the type of the objects told when their timer expires
 */
public final class TimerQueue<S> {

    /** One timer. The queue hands it out from {@link #pollDue}, after it has left the queue. */
    public static final class Timer<S> {
        private S sink;
        private int id;
        private long expiry;
        private long order;
        private int slot;

        private Timer() {
        }

        /** The object to tell. */
        public S sink() {
            return sink;
        }

        /** The sink's own number for this timer. */
        public int id() {
            return id;
        }

        /** When it expires, on the clock its adder used. */
        public long expiry() {
            return expiry;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Timer<?> that && id == that.id && Objects.equals(sink, that.sink);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(sink) + id;
        }

        @Override
        public String toString() {
            return "Timer[id=" + id + ", expiry=" + expiry + ", sink=" + sink + "]";
        }
    }

    /**
     * How late a poller lets a timer fire so that timers falling due close together fire in one
     * wake-up: a wait for the next timer shorter than this is lengthened to it (I/O still ends the
     * wait at once). Thousands of connections, each with a heartbeat timer, otherwise wake the
     * thread for nearly every millisecond, and a wake-up costs more than the PING it sends.
     * {@code -Dorg.edgegateway.transport.timerSlackMillis} changes it (0: none).
     */
    public static final long SLACK_MILLIS = Math.max(0L, Long.getLong("org.edgegateway.transport.timerSlackMillis", 10L));

    private static final int NOT_QUEUED = -1;

    @SuppressWarnings("unchecked")
    private Timer<S>[] heap = new Timer[16];
    private int size;
    private long nextOrder;
    private final Map<Timer<S>, Timer<S>> index = new HashMap<>();
    /** The key used to look a (sink, id) up; never stored. */
    private final Timer<S> probe = new Timer<>();

    /** Number of timers set and neither expired nor cancelled. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Sets the timer (sink, id) to expire at {@code expiry}; if it is already set, it moves there
     * (and counts as set last among the timers of that expiry).
     */
    public void add(long expiry, S sink, int id) {
        Objects.requireNonNull(sink, "sink");
        Timer<S> timer = find(sink, id);
        if (timer == null) {
            timer = new Timer<>();
            timer.sink = sink;
            timer.id = id;
            timer.expiry = expiry;
            timer.order = nextOrder++;
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            timer.slot = size;
            heap[size++] = timer;
            index.put(timer, timer);
            siftUp(timer.slot);
        } else {
            long before = timer.expiry;
            timer.expiry = expiry;
            timer.order = nextOrder++;
            // a later order can only move it down among equal expiries; an earlier expiry moves it up
            if (expiry < before) {
                siftUp(timer.slot);
            } else {
                siftDown(timer.slot);
            }
        }
    }

    /** Cancels the timer (sink, id); returns whether it was set. */
    public boolean cancel(S sink, int id) {
        if (sink == null) {
            return false;
        }
        probe.sink = sink;
        probe.id = id;
        Timer<S> timer = index.remove(probe);
        probe.sink = null;
        if (timer == null) {
            return false;
        }
        removeAt(timer.slot);
        return true;
    }

    /** Whether the timer (sink, id) is set. */
    public boolean contains(S sink, int id) {
        return sink != null && find(sink, id) != null;
    }

    /** The earliest expiry, or {@link Long#MAX_VALUE} when no timer is set. */
    public long nextExpiry() {
        return size == 0 ? Long.MAX_VALUE : heap[0].expiry;
    }

    /**
     * Removes and returns the earliest timer if it expires at or before {@code now}, else returns
     * null. Timers of the same expiry come out in the order they were set. The caller may add and
     * cancel timers between calls, including re-adding the one it got.
     */
    public Timer<S> pollDue(long now) {
        if (size == 0 || heap[0].expiry > now) {
            return null;
        }
        Timer<S> first = heap[0];
        index.remove(first);
        removeAt(0);
        return first;
    }

    /** Cancels every timer. */
    public void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].slot = NOT_QUEUED;
            heap[i] = null;
        }
        size = 0;
        index.clear();
    }

    private Timer<S> find(S sink, int id) {
        probe.sink = sink;
        probe.id = id;
        Timer<S> timer = index.get(probe);
        probe.sink = null;
        return timer;
    }

    private void removeAt(int slot) {
        Timer<S> removed = heap[slot];
        removed.slot = NOT_QUEUED;
        int last = --size;
        if (slot == last) {
            heap[last] = null;
            return;
        }
        Timer<S> moved = heap[last];
        heap[last] = null;
        heap[slot] = moved;
        moved.slot = slot;
        if (slot > 0 && before(moved, heap[(slot - 1) >>> 1])) {
            siftUp(slot);
        } else {
            siftDown(slot);
        }
    }

    private static boolean before(Timer<?> a, Timer<?> b) {
        return a.expiry < b.expiry || (a.expiry == b.expiry && a.order < b.order);
    }

    private void siftUp(int slot) {
        Timer<S> timer = heap[slot];
        while (slot > 0) {
            int parent = (slot - 1) >>> 1;
            Timer<S> above = heap[parent];
            if (!before(timer, above)) {
                break;
            }
            heap[slot] = above;
            above.slot = slot;
            slot = parent;
        }
        heap[slot] = timer;
        timer.slot = slot;
    }

    private void siftDown(int slot) {
        Timer<S> timer = heap[slot];
        int half = size >>> 1;
        while (slot < half) {
            int child = 2 * slot + 1;
            int right = child + 1;
            if (right < size && before(heap[right], heap[child])) {
                child = right;
            }
            Timer<S> below = heap[child];
            if (!before(below, timer)) {
                break;
            }
            heap[slot] = below;
            below.slot = slot;
            slot = child;
        }
        heap[slot] = timer;
        timer.slot = slot;
    }

    /** For tests: throws {@link IllegalStateException} if the heap or the index is inconsistent. */
    void checkInvariants() {
        if (index.size() != size) {
            throw new IllegalStateException("index holds " + index.size() + " timers, heap " + size);
        }
        for (int i = 0; i < size; i++) {
            Timer<S> t = heap[i];
            if (t.slot != i) {
                throw new IllegalStateException("timer at " + i + " thinks it is at " + t.slot);
            }
            if (i > 0 && before(t, heap[(i - 1) >>> 1])) {
                throw new IllegalStateException("heap order broken at " + i);
            }
            if (index.get(t) != t) {
                throw new IllegalStateException("index does not lead to the timer at " + i);
            }
        }
        for (int i = size; i < heap.length; i++) {
            if (heap[i] != null) {
                throw new IllegalStateException("stale slot " + i);
            }
        }
    }
}
