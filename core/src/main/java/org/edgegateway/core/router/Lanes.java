package org.edgegateway.core.router;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.core.admin.RecentMessage;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.protocol.Envelope;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's side of every lane: admits calls within the bounds, keeps each connection's calls
 * on a lane in arrival order, hands calls to lane threads as they free up, expires calls by their
 * deadlines, counts the breaker and answers. Not thread-safe: owned by {@code egw-router}; the only
 * cross-thread steps are {@link Lane#execute}, {@link Call#expire()} and the {@link Inbox}.
 *
 * <p>Per call on a lane: one hand-off to a lane thread (an unpark when one is idle), one push back
 * to the inbox (no system call while the router is awake), no timer: deadlines are checked at the
 * head of each lane's arrival-ordered list once per router turn.
 *
 * <p>Bounds, all answered with {@code BUSY} and nothing kept: payload bytes of unanswered calls per
 * lane ({@link LaneLimits#queueBytes()}) and in all ({@code handlers.queue-bytes}), and unanswered
 * calls in all ({@code handlers.queue}).
 */
final class Lanes {
    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);

    private final Map<Lane, LaneBook> books = new IdentityHashMap<>();
    private final List<LaneBook> active = new ArrayList<>();
    private final Replies replies;
    private final DedupWindows dedup;
    private final GatewayMetrics metrics;
    private final Watchdog watchdog;
    private final int maxCalls;
    private final long maxBytes;
    private final int recentPerClient;
    private int calls;
    private long bytes;
    /** Answers recorded in the lanes' recent-message logs, for their order across lanes. */
    private long recorded;

    Lanes(Replies replies, DedupWindows dedup, GatewayMetrics metrics, Watchdog watchdog, int maxCalls, long maxBytes,
          int recentPerClient) {
        this.replies = replies;
        this.dedup = dedup;
        this.metrics = metrics;
        this.watchdog = watchdog;
        this.maxCalls = maxCalls;
        this.maxBytes = maxBytes;
        this.recentPerClient = recentPerClient;
    }

    LaneBook book(Lane lane) {
        LaneBook b = books.get(lane);
        if (b == null) {
            b = new LaneBook(lane, new RecentLog(recentPerClient, 1024));
            books.put(lane, b);
            watchdog.watch(lane);
        }
        return b;
    }

    /** Unanswered calls on every lane. */
    int unanswered() {
        return calls;
    }

    /** Why a call of {@code size} bytes cannot be taken now, or null when it can. */
    String refusal(LaneBook b, long size) {
        if (calls >= maxCalls || bytes + size > maxBytes) {
            return "the gateway is at capacity, retry later";
        }
        if (b.bytes + size > b.lane.limits().queueBytes()) {
            return b.lane.label() + " has " + b.unanswered + " messages waiting, retry later";
        }
        return null;
    }

    /**
     * Takes a new call: it runs when no earlier call of its connection on this lane is unanswered and
     * a lane thread is free, in arrival order (a remote lane's calls at once: its workers' credit is
     * the limit). The caller checked {@link #refusal} first.
     */
    void submit(LaneBook b, Call c) {
        if (c.version == 0) {
            c.slot = c.connection.reserve(c.delimiter);
        }
        b.append(c);
        track(b, c);
        if (b.lane.isRemote()) {
            // Workers run a connection's calls side by side (as many as their credit allows); a classic
            // client still gets its answers in request order (its slot).
            b.ready(c);
            pump(b);
            return;
        }
        Connection.LaneQueue q = c.connection.laneQueueOrCreate(b);
        if (q.active == null) {
            q.active = c;
            b.ready(c);
            pump(b);
        } else {
            q.waiting.addLast(c);
        }
    }

    /** Registers a call the watchdog took over from the router thread: it is running already. */
    void adopt(Call c) {
        LaneBook b = book(c.lane);
        if (c.version == 0) {
            c.slot = c.connection.reserve(c.delimiter);
        }
        b.insertByDeadline(c);
        track(b, c);
        c.connection.laneQueueOrCreate(b).active = c;
        c.submitted = true;
        b.running++;
        b.lane.calls.increment();
    }

    private void track(LaneBook b, Call c) {
        calls++;
        bytes += c.bytes;
        if (!b.active) {
            b.active = true;
            active.add(b);
        }
    }

    /** Hands ready calls to lane threads while the lane has threads to spare. */
    private void pump(LaneBook b) {
        int threads = b.lane.limits().threads();
        while (b.running < threads && !b.ready.isEmpty()) {
            Call c = b.nextReady();
            c.submitted = true;
            b.running++;
            if (!b.lane.execute(c)) {
                // Closed meanwhile, or every thread held by stuck calls: refuse, nothing ran.
                c.submitted = false;
                b.running--;
                if (c.expire() != Call.LOST) {
                    busy(b, c, b.lane.isOpen() ? b.lane.label() + " has no free thread, retry later"
                            : b.lane.label() + " is not serving now, retry later");
                }
                continue;
            }
            b.lane.calls.increment();
        }
    }

    /** A call whose runner finished first (from the inbox). */
    void completed(Call c) {
        LaneBook b = books.get(c.lane);
        if (b == null || c.answered) {
            return;
        }
        long took = System.nanoTime() - c.startedAt;
        if (took > b.lane.limits().slowAfter().toNanos()) {
            b.lane.slow.increment();
        }
        answerResult(b, c.connection, c.delimiter, c.version, c.correlationId, c.dedup, c.slot, c.message, c.result,
                c.failure);
        release(b, c);
        pump(b);
    }

    /**
     * Answers the result of a call, inline or from a lane, and counts the breaker. A null
     * {@code slot} for a classic call means it is answered in order by {@link Replies#answer}.
     */
    void answerResult(LaneBook b, Connection conn, boolean delimiter, int version, byte[] correlationId,
                      DedupKey key, Connection.Slot slot, HandlerMessage m, HandlerResult r, Throwable failure) {
        ErrorCode code;
        String detail;
        Reply.Status status = Reply.Status.ERROR;
        if (failure != null || r == null) {
            code = ErrorCode.HANDLER_FAILED;
            if (failure != null) {
                LOG.warn("lane {}: handler for {} failed on a message from client {} key {} peer {}: {}", b.lane.name(),
                        m.type(), m.clientName(), m.clientKey(), m.peerAddress(), String.valueOf(failure));
                detail = "handler for " + m.type() + " failed";
            } else {
                detail = "handler for " + m.type() + " returned no result";
            }
            failed(b, failure != null ? String.valueOf(failure) : "returned no result");
        } else {
            b.failures = 0;
            detail = r.detail();
            code = switch (r.outcome()) {
                case ACK -> null;
                case BAD_PAYLOAD -> ErrorCode.BAD_PAYLOAD;
                case HANDLER_FAILED -> ErrorCode.HANDLER_FAILED;
                case BUSY -> ErrorCode.BUSY;
            };
            if (code == null) {
                status = Reply.Status.ACK;
            }
        }
        byte[] bytes = code == null ? detail.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : Replies.errorDetail(code, detail);
        if (key != null) {
            if (code == ErrorCode.BUSY) {
                dedup.forget(key);
            } else {
                dedup.complete(key, new Reply(Envelope.versioned(delimiter, version, correlationId), status, code, bytes));
            }
        }
        if (slot != null) {
            replies.fill(conn, slot, status, code, bytes);
        } else {
            replies.answer(conn, delimiter, version, correlationId, status, code, bytes);
        }
        b.recent.record(++recorded, m.clientName(), m.type(), m.receivedAt(), m.payload(), code == null ? "ACK" : code.name(),
                detail);
    }

    private void failed(LaneBook b, String why) {
        b.lane.failures.increment();
        if (++b.failures >= b.lane.limits().breakerFailures()) {
            int n = b.failures;
            b.failures = 0;
            b.lane.trip("circuit breaker opened after " + n + " consecutive failures, the last: " + why);
        }
    }

    /**
     * Expires calls whose deadline is past and answers those of closed lanes that never started.
     * Returns the nearest deadline still ahead, or {@link Long#MAX_VALUE}.
     */
    long expire(long now) {
        long next = Long.MAX_VALUE;
        for (int i = active.size() - 1; i >= 0; i--) {
            LaneBook b = active.get(i);
            if (!b.lane.isOpen()) {
                refuseWaiting(b);
            }
            Call c;
            while ((c = b.head) != null && c.deadline - now <= 0) {
                expireOne(b, c);
            }
            pump(b);
            if (b.head != null) {
                next = Math.min(next, b.head.deadline);
            } else if (b.unanswered == 0) {
                b.active = false;
                active.remove(i);
            }
        }
        return next;
    }

    private void expireOne(LaneBook b, Call c) {
        int won = c.expire();
        if (won == Call.LOST) {
            // Finished just now: the inbox has it. Out of the list, so the loop moves on; answered from the inbox.
            b.unlink(c);
            calls--;
            bytes -= c.bytes;
            return;
        }
        long limit = b.lane.limits().timeout().toMillis();
        if (won == Call.EXPIRED_RUNNING) {
            b.lane.timeouts.increment();
            LOG.warn("lane {}: handler for {} from client {} key {} peer {} exceeded {} ms", b.lane.name(),
                    c.message.type(), c.message.clientName(), c.message.clientKey(), c.message.peerAddress(), limit);
            answerError(b, c, ErrorCode.HANDLER_FAILED, "handler for " + c.message.type() + " timed out after " + limit
                    + " ms");
            failed(b, "timed out after " + limit + " ms");
            release(b, c);
            int stuck = b.lane.stuck();
            if (stuck >= b.lane.limits().maxStuck()) {
                b.lane.trip(stuck + " calls still running past the time limit of " + limit + " ms");
            }
        } else {
            busy(b, c, b.lane.label() + " did not get to the message within " + limit + " ms, retry later");
        }
    }

    /** Answers BUSY for the calls of a closed lane that have not started. */
    private void refuseWaiting(LaneBook b) {
        for (Call c : listed(b)) {
            if (!c.answered && !c.submitted && c.expire() != Call.LOST) {
                busy(b, c, b.lane.label() + " is not serving now, retry later");
            }
        }
    }

    private static List<Call> listed(LaneBook b) {
        List<Call> out = new ArrayList<>(b.unanswered);
        for (Call c = b.head; c != null; c = c.next) {
            out.add(c);
        }
        return out;
    }

    /** Answers BUSY for a call that never ran (the router already won its compare-and-set). */
    private void busy(LaneBook b, Call c, String why) {
        b.lane.busy.increment();
        answerError(b, c, ErrorCode.BUSY, why);
        release(b, c);
    }

    private void answerError(LaneBook b, Call c, ErrorCode code, String detail) {
        byte[] bytes = Replies.errorDetail(code, detail);
        if (c.dedup != null) {
            if (code == ErrorCode.BUSY) {
                dedup.forget(c.dedup);
            } else {
                dedup.complete(c.dedup, new Reply(Envelope.versioned(c.delimiter, c.version, c.correlationId),
                        Reply.Status.ERROR, code, bytes));
            }
        }
        if (c.slot != null) {
            replies.fill(c.connection, c.slot, Reply.Status.ERROR, code, bytes);
        } else {
            replies.answer(c.connection, c.delimiter, c.version, c.correlationId, Reply.Status.ERROR, code, bytes);
        }
        HandlerMessage m = c.message;
        b.recent.record(++recorded, m.clientName(), m.type(), m.receivedAt(), m.payload(), code.name(), detail);
    }

    /**
     * After an answer: forgets the call and lets its connection's next call on the lane become ready.
     * The caller hands ready calls to threads ({@link #pump}) when it is done.
     */
    private void release(LaneBook b, Call c) {
        c.answered = true;
        c.message = null;
        if (c.listed) {
            b.unlink(c);
            calls--;
            bytes -= c.bytes;
        }
        if (c.submitted) {
            c.submitted = false;
            b.running--;
        } else if (c.inReady) {
            b.ready.remove(c);
            c.inReady = false;
        }
        Connection.LaneQueue q = c.connection.laneQueue(b);
        if (q != null) {
            if (q.active == c) {
                q.active = q.waiting.pollFirst();
                if (q.active != null) {
                    b.ready(q.active);
                }
            } else {
                q.waiting.remove(c);
            }
            c.connection.dropLaneQueue(q);
        }
    }

    /** The recent messages of a client on every lane, newest first, at most {@code limit}. */
    List<RecentMessage> recent(String client, int limit) {
        List<RecentLog> logs = new ArrayList<>(books.size());
        for (LaneBook b : books.values()) {
            logs.add(b.recent);
        }
        return RecentLog.newestFirst(logs, client, limit);
    }

    /** The recent-message log of a lane (for an inline answer). */
    LaneBook existing(Lane lane) {
        return books.get(lane);
    }

    /** Answers BUSY for every unanswered call that has not finished, at shutdown. */
    void refuseAll(String why) {
        for (LaneBook b : new ArrayList<>(active)) {
            for (Call c : listed(b)) {
                if (!c.answered && c.expire() != Call.LOST) {
                    busy(b, c, why);
                }
            }
        }
    }
}
