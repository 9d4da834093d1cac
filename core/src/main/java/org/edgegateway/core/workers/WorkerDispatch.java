package org.edgegateway.core.workers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgegateway.core.router.RemoteCall;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.protocol.WorkerBatch;

/**
 * Which worker gets a call: per type, the workers with credit left, least recently used first, and the
 * calls waiting for credit. Owned by the router thread, like the calls' lane books; the hand-off to a
 * worker is the call's own compare-and-set ({@link RemoteCall#begin}, then {@link RemoteCall#complete}),
 * which the router's deadline may win first: then the call is not sent, or its late reply is dropped.
 * The bytes waiting are bounded by the type's lane, not here.
 *
 * <p>A classic worker gets each request as a REQUEST of its own at once. A batched worker's requests
 * are packed into its {@link ConnectedWorker#outgoing} packer and leave together, one BATCH frame per
 * worker, at the next {@link #flush} (the hub flushes at the start and at the end of each of its turns,
 * so what one router turn dispatched shares a frame, and nothing waits for the router to park), or
 * earlier when the frame holds a quarter of the worker's credit ({@link #batchLimit(int)}) or the next
 * request would take it past {@link WorkerBatch#MAX_FRAME_BYTES}. A
 * request counts against the worker's credit from the moment it is packed.
 *
 * <p>A classic worker's credit is {@code workers.max-in-flight}. A batched worker's is a window that
 * adapts to how fast it answers, up to {@code workers.batched-max-in-flight}: it starts at the
 * classic credit, grows by one for each request answered within a quarter of the time limit (so it
 * doubles every round trip while the worker keeps up), and halves, at most once per round trip,
 * when a request took longer or was never answered. A fast worker so gets large frames (the fewer
 * frames per message, the less each message costs the gateway), and a slow one a queue that it
 * drains well inside the time limit, instead of requests that time out while they wait in it.
 */
final class WorkerDispatch {

    /** How the dispatch reaches workers. Called on the router thread. */
    interface Link {
        /** Sends {@code frames} to {@code w}; false when it cannot be reached. */
        boolean send(ConnectedWorker w, byte[][] frames);

        /** Takes a worker that cannot be reached out ({@link #withdraw} gives its requests back). */
        void unreachable(ConnectedWorker w);
    }

    /** The workers of one type, least recently used first, and the calls waiting for credit. */
    private static final class TypeQueue {
        final ArrayDeque<ConnectedWorker> ready = new ArrayDeque<>();
        final ArrayDeque<RemoteCall> waiting = new ArrayDeque<>();
        int serving;
    }

    private final int maxInFlight;
    private final int batchedMaxInFlight;
    private final int batchLimit;
    private final long slowNanos;
    private final WorkerStatsBook stats;
    private final Link link;
    private final Map<String, TypeQueue> types = new HashMap<>();
    /** Batched workers whose packer may hold requests not sent yet. */
    private final ArrayDeque<ConnectedWorker> unflushed = new ArrayDeque<>();
    private long requestIds;

    /**
     * @param maxInFlight        requests a classic worker holds at once
     * @param batchedMaxInFlight the largest window of a batched worker; a quarter of it per frame
     * @param timeoutNanos       the time limit of a request: a batched worker's window halves when a
     *                           request takes more than a quarter of it
     */
    WorkerDispatch(int maxInFlight, int batchedMaxInFlight, long timeoutNanos, WorkerStatsBook stats, Link link) {
        this(maxInFlight, batchedMaxInFlight, batchLimit(batchedMaxInFlight), timeoutNanos, stats, link);
    }

    WorkerDispatch(int maxInFlight, int batchedMaxInFlight, int batchLimit, long timeoutNanos, WorkerStatsBook stats,
                   Link link) {
        this.maxInFlight = maxInFlight;
        this.batchedMaxInFlight = batchedMaxInFlight;
        this.batchLimit = batchLimit;
        this.slowNanos = timeoutNanos / 4;
        this.stats = stats;
        this.link = link;
    }

    /**
     * Requests per BATCH frame: a quarter of the credit. Were a whole credit to go in one frame, a worker
     * that answers a frame at a time would get its next frame only after the gateway had its answers:
     * one frame in flight, the worker idle for every round trip (16 x 100 through one Java worker at
     * credit 16: 5,400 msg/s with both processes mostly idle). With a quarter, up to four frames are
     * in flight and the worker always has the next one waiting.
     */
    static int batchLimit(int maxInFlight) {
        return Math.max(1, maxInFlight / 4);
    }

    /** {@code w} serves {@code type} from now on, behind the workers of the type ready already. */
    void serve(ConnectedWorker w, String type) {
        if (w.credit == 0) {
            w.credit = w.batched() ? Math.min(maxInFlight, batchedMaxInFlight) : maxInFlight;
        }
        TypeQueue q = types.computeIfAbsent(type, k -> new TypeQueue());
        q.serving++;
        q.ready.addLast(w);
    }

    /** The types at least one worker serves. */
    Set<String> served() {
        Set<String> out = new HashSet<>();
        for (Map.Entry<String, TypeQueue> e : types.entrySet()) {
            if (e.getValue().serving > 0) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Sends a call to the least recently used worker of its type with credit, or queues it. */
    void place(RemoteCall call) {
        HandlerMessage m = call.message();
        if (m == null || !call.pending()) {
            return;
        }
        TypeQueue q = types.get(m.type());
        if (q == null) {
            q = new TypeQueue();
            types.put(m.type(), q);
        }
        if (!sendTo(q, call)) {
            q.waiting.addLast(call);
        }
    }

    /** Sends the calls waiting for {@code type} while its workers have credit. */
    void drain(String type) {
        drain(types.get(type));
    }

    /**
     * {@code w} answered request {@code requestId}: the answer goes to the call (unless the router
     * answered it at its deadline) and the worker has that credit again. A request it no longer holds
     * (answered by the router and dropped, answered already, or never sent to it) is ignored: false.
     */
    boolean answered(ConnectedWorker w, long requestId, HandlerResult result) {
        return answered(w, requestId, result, System.nanoTime());
    }

    /** {@link #answered(ConnectedWorker, long, HandlerResult)} at {@code now} ({@link System#nanoTime()}). */
    boolean answered(ConnectedWorker w, long requestId, HandlerResult result, long now) {
        ConnectedWorker.Pending pending = w.inFlight.remove(requestId);
        if (pending == null) {
            return false;
        }
        long took = now - pending.sentAt();
        if (took > slowNanos) {
            slow(w, pending.sentAt(), now);
        } else if (w.batched() && w.credit < batchedMaxInFlight) {
            w.credit++;
        }
        boolean ok = result.outcome() != HandlerResult.Outcome.HANDLER_FAILED;
        if (ok) {
            w.served++;
        } else {
            w.failed++;
        }
        w.stats.answered(took, ok);
        pending.type().answered(took, ok);
        pending.call().complete(result);
        credit(w);
        return true;
    }

    /**
     * Sends each batched worker the requests packed for it, one BATCH frame each. A worker that cannot
     * be reached is taken out: its requests, packed ones included, go to another worker or wait.
     */
    void flush() {
        ConnectedWorker w;
        while ((w = unflushed.pollFirst()) != null) {
            if (!w.withdrawn && w.outgoing.count() > 0 && !send(w)) {
                link.unreachable(w);
            }
        }
    }

    /** Whether some batched worker has requests packed and not sent yet. */
    boolean unflushed() {
        return !unflushed.isEmpty();
    }

    private boolean send(ConnectedWorker w) {
        int n = w.outgoing.count();
        if (!link.send(w, WorkerFrames.batch(w.outgoing.take()))) {
            return false;
        }
        w.stats.batch(n);
        return true;
    }

    /**
     * A worker has credit again: back at the end of its types' queues, then serve who waits. A worker
     * taken out meanwhile (the hub's heartbeat pass walks a copy of the workers) is left out.
     */
    void credit(ConnectedWorker w) {
        if (w.withdrawn) {
            return;
        }
        for (String type : w.types) {
            TypeQueue q = types.get(type);
            if (q != null && !q.ready.contains(w) && hasCredit(w)) {
                q.ready.addLast(w);
            }
            drain(q);
        }
    }

    /**
     * Takes a worker that went away out of its types' queues; its unanswered requests go to another
     * worker of their type, or first in line of their type's wait.
     */
    void withdraw(ConnectedWorker w) {
        w.withdrawn = true;
        if (w.outgoing != null) {
            // Packed and not sent: they are among its requests in flight, and go elsewhere with them.
            w.outgoing.clear();
        }
        for (String type : w.types) {
            TypeQueue q = types.get(type);
            if (q != null) {
                q.ready.remove(w);
                q.serving--;
            }
        }
        List<ConnectedWorker.Pending> orphans = new ArrayList<>(w.inFlight.values());
        w.inFlight.clear();
        for (ConnectedWorker.Pending p : orphans) {
            w.stats.lost();
            p.type().returned();
            RemoteCall c = p.call();
            if (c.pending()) {
                TypeQueue q = types.get(c.message() == null ? "" : c.message().type());
                if (q == null || !sendTo(q, c)) {
                    if (q != null) {
                        q.waiting.addFirst(c);
                    }
                }
            }
        }
    }

    /** Forgets the waiting calls the router has answered meanwhile (their deadline passed). */
    void dropAnswered() {
        for (TypeQueue q : types.values()) {
            q.waiting.removeIf(c -> !c.pending());
        }
    }

    private void drain(TypeQueue q) {
        while (q != null && !q.waiting.isEmpty()) {
            RemoteCall c = q.waiting.peekFirst();
            if (!c.pending()) {
                q.waiting.pollFirst();
                continue;
            }
            if (!sendTo(q, c)) {
                return;
            }
            q.waiting.pollFirst();
        }
    }

    /**
     * Sends {@code call} to the first worker of {@code q} with credit; false when none has any. A worker
     * that cannot be reached is taken out and the next one tried.
     */
    private boolean sendTo(TypeQueue q, RemoteCall call) {
        ConnectedWorker w;
        while ((w = q.ready.peekFirst()) != null && !hasCredit(w)) {
            q.ready.pollFirst();
        }
        if (w == null) {
            return false;
        }
        HandlerMessage m = call.message();
        if (m == null || !call.begin()) {
            // The router answered it meanwhile: nothing to send, the worker keeps its place.
            return true;
        }
        long id = ++requestIds;
        if (w.batched() ? !pack(w, id, m) : !link.send(w, WorkerFrames.request(id, m))) {
            link.unreachable(w);
            return sendTo(q, call);
        }
        WorkerStats type = stats.type(m.type());
        w.inFlight.put(id, new ConnectedWorker.Pending(call, System.nanoTime(), type));
        w.stats.send();
        type.send();
        q.ready.pollFirst();
        if (hasCredit(w)) {
            q.ready.addLast(w);
        }
        return true;
    }

    /**
     * {@code w} took too long over a request sent at {@code sentAt}, or never answered one: a batched
     * worker's window halves, unless it was halved after that request was sent (one halving per round
     * trip, however many of the requests then in flight are late).
     */
    void slow(ConnectedWorker w, long sentAt, long now) {
        if (w.batched() && (!w.creditCut || sentAt - w.creditCutAt > 0)) {
            w.credit = Math.max(1, w.credit / 2);
            w.creditCut = true;
            w.creditCutAt = now;
        }
    }

    /** Whether {@code w} may take one more request. */
    private boolean hasCredit(ConnectedWorker w) {
        return w.inFlight.size() < w.credit;
    }

    /**
     * Packs a request for a batched worker, sending the frame packed so far first when it holds
     * {@link #batchLimit(int)} requests or the request would take it past the byte cap; false when that
     * send failed (the worker cannot be reached).
     */
    private boolean pack(ConnectedWorker w, long id, HandlerMessage m) {
        byte[] type = m.type().getBytes(StandardCharsets.US_ASCII);
        byte[] client = m.clientName().getBytes(StandardCharsets.UTF_8);
        boolean full = w.outgoing.count() >= batchLimit
                || !w.outgoing.fits(WorkerBatch.Packer.requestBytes(type, client, m.payload()));
        if (full && !send(w)) {
            return false;
        }
        w.outgoing.request(id, type, client, m.payload());
        if (w.outgoing.count() == 1) {
            unflushed.addLast(w);
        }
        return true;
    }
}
