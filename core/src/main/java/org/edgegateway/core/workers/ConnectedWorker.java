package org.edgegateway.core.workers;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgegateway.core.router.RemoteCall;
import org.edgegateway.protocol.WorkerBatch;

/**
 * One connected worker: who it is, the types it was given, the requests it holds and when it was last
 * heard from. Owned by the router thread; other threads see it only as a {@link WorkerView}.
 */
final class ConnectedWorker {
    final byte[] routingId;
    final String id;
    final String key;
    final String name;
    final String peer;
    final Instant connectedAt;
    final WorkerStats stats;
    /** Batched mode ({@code [READY, types, "batch"]}): the requests packed for its next BATCH frame; null for a classic worker. */
    final WorkerBatch.Packer outgoing;
    final Set<String> types = new LinkedHashSet<>();
    /** Requests sent to it and not answered by it yet, by request id, oldest first. */
    final Map<Long, Pending> inFlight = new LinkedHashMap<>();
    long lastHeard;
    long lastSent;
    Instant lastHeardAt;
    long served;
    long failed;
    /**
     * How many requests a batched worker may hold now (its window): set by {@link WorkerDispatch},
     * between 1 and {@code workers.batched-max-in-flight}; 0 until it serves a type.
     */
    int credit;
    /** Whether its window was ever halved, and when last ({@link System#nanoTime()}): one halving per round trip. */
    boolean creditCut;
    long creditCutAt;
    /** Taken out of the dispatch (it went away): never given credit again. */
    boolean withdrawn;
    /** Malformed frames it sent, and when the last one was logged at WARN ({@link System#nanoTime()}). */
    long badFrames;
    long badFrameLogged;

    /** A request sent to a worker and not answered by it yet, and the totals of its type. */
    record Pending(RemoteCall call, long sentAt, WorkerStats type) {
    }

    /** A classic worker. */
    ConnectedWorker(byte[] routingId, String id, String key, String name, String peer, Instant at, long now,
                    WorkerStats stats) {
        this(routingId, id, key, name, peer, at, now, stats, false);
    }

    ConnectedWorker(byte[] routingId, String id, String key, String name, String peer, Instant at, long now,
                    WorkerStats stats, boolean batched) {
        this.outgoing = batched ? new WorkerBatch.Packer(WorkerBatch.MAX_FRAME_BYTES) : null;
        this.routingId = routingId;
        this.id = id;
        this.key = key;
        this.name = name;
        this.peer = peer;
        this.connectedAt = at;
        this.lastHeard = now;
        this.lastHeardAt = at;
        this.stats = stats;
    }

    boolean batched() {
        return outgoing != null;
    }

    /** Anything came from it at {@code now} ({@link System#nanoTime()}), read from {@code at}. */
    void heard(long now, Instant at) {
        lastHeard = now;
        lastHeardAt = at;
    }

    /** Whether it has been silent for over three heartbeat intervals. */
    boolean dead(long now, long heartbeatNanos) {
        return now - lastHeard > 3 * heartbeatNanos;
    }

    /**
     * Gives back the credit of requests the router answered at their deadline and this worker never
     * did, once they are {@code graceNanos} past it: each counts as failed.
     *
     * @return the last sent of those dropped, or null when none was
     */
    Pending dropUnanswered(long now, long graceNanos) {
        Pending dropped = null;
        for (Iterator<Pending> it = inFlight.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (!p.call().pending() && now - p.call().deadline() > graceNanos) {
                it.remove();
                failed++;
                stats.lost();
                p.type().lost();
                dropped = p;
            }
        }
        return dropped;
    }

    WorkerView view() {
        return new WorkerView(name, key, peer, List.copyOf(types), inFlight.size(), batched(), credit, served, failed,
                connectedAt, lastHeardAt);
    }
}
