package org.edgegateway.core.workers;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of one worker (by enrolled name, across its reconnects) or of one type: requests
 * sent, answered in time, failed, in flight and the time workers took. Written on the router thread,
 * read by any thread (metrics). Totals only grow.
 */
public final class WorkerStats {
    /** {@code worker} or {@code type}. */
    private final String kind;
    private final String name;
    private final LongAdder sent = new LongAdder();
    private final LongAdder served = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder answerNanos = new LongAdder();
    private final LongAdder answers = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedRequests = new LongAdder();
    private final LongAdder badFrames = new LongAdder();

    WorkerStats(String kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    public String kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public long sent() {
        return sent.sum();
    }

    public long served() {
        return served.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Replies received (served or not), and the time from request to reply they took. */
    public long answers() {
        return answers.sum();
    }

    public double answerSeconds() {
        return answerNanos.sum() / (double) TimeUnit.SECONDS.toNanos(1);
    }

    /** BATCH frames sent to batched workers (per worker; 0 for a type). */
    public long batches() {
        return batches.sum();
    }

    /** Requests those BATCH frames carried: over {@link #batches()}, the requests per frame. */
    public long batchedRequests() {
        return batchedRequests.sum();
    }

    /** Malformed frames from the worker (a bad BATCH, a reply it did not owe), each dropped or applied in part. */
    public long badFrames() {
        return badFrames.sum();
    }

    /** A BATCH frame of {@code requests} requests was sent. */
    void batch(int requests) {
        batches.increment();
        batchedRequests.add(requests);
    }

    void badFrame() {
        badFrames.increment();
    }

    void send() {
        sent.increment();
        inFlight.incrementAndGet();
    }

    /** A reply came after {@code nanos}; {@code ok}: served (ACK or BAD_PAYLOAD), else failed. */
    void answered(long nanos, boolean ok) {
        inFlight.decrementAndGet();
        answers.increment();
        answerNanos.add(nanos);
        (ok ? served : failed).increment();
    }

    /** A request taken back from a worker that went away, to be sent again: not an answer. */
    void returned() {
        inFlight.decrementAndGet();
    }

    /** A request that got no reply from this worker (it died, was cut, or was too late). */
    void lost() {
        inFlight.decrementAndGet();
        failed.increment();
    }
}
