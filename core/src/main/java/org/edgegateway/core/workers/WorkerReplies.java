package org.edgegateway.core.workers;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.edgegateway.protocol.ProtocolException;
import org.edgegateway.protocol.WorkerBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' answers, {@code [REPLY, ...]} and {@code [BATCH, packed]}, read and handed to the
 * dispatch, and the frames of a worker that do not follow the protocol: answered
 * {@code [ERROR, "BAD_FRAME: ..."]}, counted ({@link WorkerStats#badFrames()}) and logged by the
 * worker's name, at WARN at most once a minute per connection. A batch that does not parse is dropped
 * whole (a cut or garbled frame is not trusted in part); in one that parses, the replies to requests
 * the worker holds are applied and the others (an unknown id, an id twice) skipped, and the sensors
 * not answered get the time limit's answer. Owned by the router thread.
 */
final class WorkerReplies {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerReplies.class);
    private static final long BAD_FRAME_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final WorkerDispatch dispatch;
    private final BiConsumer<ConnectedWorker, byte[][]> send;

    /** @param send sends frames to a worker (the hub's socket) */
    WorkerReplies(WorkerDispatch dispatch, BiConsumer<ConnectedWorker, byte[][]> send) {
        this.dispatch = dispatch;
        this.send = send;
    }

    /** {@code [REPLY, request-id, ACK|ERROR, DETAIL]} from {@code w}. */
    void reply(ConnectedWorker w, List<byte[]> frames) {
        WorkerFrames.Reply reply = WorkerFrames.reply(frames);
        if (reply == null) {
            send.accept(w, WorkerFrames.error(WorkerFrames.BAD_REPLY));
        } else {
            dispatch.answered(w, reply.requestId(), reply.result());
        }
    }

    /**
     * {@code [BATCH, packed]} from {@code w}: the replies it holds requests for are applied; a frame that
     * does not parse is dropped whole (a cut or garbled frame is not trusted in part); any bad frame is
     * counted, told to the worker and logged.
     */
    void batch(ConnectedWorker w, List<byte[]> frames) {
        if (!w.batched()) {
            bad(w, "BATCH from a classic worker (announce [READY, \"T1,T2\", \"batch\"] to send one)");
            return;
        }
        if (frames.size() != 2) {
            bad(w, "expected [BATCH, packed], got " + frames.size() + " frames");
            return;
        }
        List<WorkerBatch.Reply> replies;
        try {
            replies = WorkerBatch.replies(frames.get(1));
        } catch (ProtocolException e) {
            bad(w, e.getMessage() + "; the frame was dropped");
            return;
        }
        int unknown = 0;
        int twice = 0;
        for (int i = 0; i < replies.size(); i++) {
            WorkerBatch.Reply r = replies.get(i);
            if (!dispatch.answered(w, r.id(), WorkerFrames.result(r.ack(), r.detail()))) {
                if (earlier(replies, i)) {
                    twice++;
                } else {
                    unknown++;
                }
            }
        }
        if (unknown > 0 || twice > 0) {
            bad(w, "BATCH of " + replies.size() + " replies: " + unknown + " to request ids it does not hold, "
                    + twice + " to an id answered earlier in the frame; those were skipped, the others applied");
        }
    }

    /** Whether the id of {@code replies[i]} came earlier in the same frame (only asked of a reply not applied). */
    private static boolean earlier(List<WorkerBatch.Reply> replies, int i) {
        long id = replies.get(i).id();
        for (int j = 0; j < i; j++) {
            if (replies.get(j).id() == id) {
                return true;
            }
        }
        return false;
    }

    /** A malformed frame of {@code w}: counted, answered {@code [ERROR, "BAD_FRAME: why"]}, logged by name. */
    private void bad(ConnectedWorker w, String why) {
        w.badFrames++;
        w.stats.badFrame();
        send.accept(w, WorkerFrames.error("BAD_FRAME: " + why));
        long now = System.nanoTime();
        if (w.badFrames == 1 || now - w.badFrameLogged >= BAD_FRAME_LOG_NANOS) {
            w.badFrameLogged = now;
            LOG.warn("workers: {} ({}) sent a malformed frame ({} from this connection): {}", w.name, w.peer,
                    w.badFrames, why);
        } else {
            LOG.debug("workers: {} ({}) sent a malformed frame: {}", w.name, w.peer, why);
        }
    }
}
