package org.edgegateway.core.admission;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The hand-off of quarantine requests from the router thread to the {@link Quarantiner}. Thread-safe
 * and bounded: {@link #offer} never blocks (the router must not), and says false when full.
 */
public final class QuarantineQueue {
    private final BlockingQueue<QuarantineRequest> queue;

    public QuarantineQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("quarantine queue capacity < 1: " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Queues a request; false when the queue is full. Never blocks. */
    public boolean offer(QuarantineRequest request) {
        return queue.offer(request);
    }

    QuarantineRequest poll(long timeout, TimeUnit unit) throws InterruptedException {
        return queue.poll(timeout, unit);
    }

    QuarantineRequest poll() {
        return queue.poll();
    }
}
