package org.edgegateway.core.router;

import java.nio.charset.StandardCharsets;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Frames;
import org.edgegateway.protocol.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Writes answers to the ROUTER, in each request's own framing, and keeps classic-framing answers in
 * the order of their requests. Not thread-safe: owned by {@code egw-router}, the only thread that
 * touches the socket.
 *
 * <p>Order: a classic client (DEALER or REQ without correlation ids) matches answers to requests by
 * position, so a classic answer that is ready while an earlier classic request of the same
 * connection is still in a lane waits in that connection's order; every call is answered within its
 * lane's time limit, so it never waits longer. Versioned answers carry their correlation id and go
 * at once. With nothing waiting (always for a client whose calls run inline) an answer costs no
 * allocation beyond its frames.
 */
final class Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
    private static final byte[] EMPTY = new byte[0];

    private final GatewayMetrics metrics;
    private ZMQ.Socket socket;

    Replies(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    void bind(ZMQ.Socket s) {
        this.socket = s;
    }

    /** Encodes the detail of an error the way the protocol reads it: {@code "CODE: detail"}. */
    static byte[] errorDetail(ErrorCode code, String detail) {
        String text = detail == null || detail.isEmpty() ? code.name() : code.name() + ": " + detail;
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Answers one request now, or queues the answer behind earlier classic answers of the connection.
     * {@code code} is null for ACK and PONG.
     */
    void answer(Connection c, boolean delimiter, int version, byte[] correlationId, Reply.Status status,
                ErrorCode code, byte[] detail) {
        count(c, status, code);
        if (version == 0 && c.replyOrderBusy()) {
            Connection.Slot s = c.reserve(delimiter);
            s.detail = detail;
            s.status = Frames.statusFrame(status);
            flush(c);
            return;
        }
        send(c, delimiter, version, correlationId, Frames.statusFrame(status), detail);
    }

    /** Fills a reserved place in the order and sends whatever is ready from the front. */
    void fill(Connection c, Connection.Slot slot, Reply.Status status, ErrorCode code, byte[] detail) {
        count(c, status, code);
        slot.detail = detail;
        slot.status = Frames.statusFrame(status);
        flush(c);
    }

    private void flush(Connection c) {
        Connection.Slot s;
        while ((s = c.pollReady()) != null) {
            send(c, s.delimiter, 0, EMPTY, s.status, s.detail);
        }
    }

    private void count(Connection c, Reply.Status status, ErrorCode code) {
        if (code != null) {
            c.errors++;
            metrics.countError(code);
        } else if (status == Reply.Status.ACK) {
            metrics.countAck();
        } else {
            metrics.countPong();
        }
    }

    private void send(Connection c, boolean delimiter, int version, byte[] correlationId, byte[] status, byte[] detail) {
        if (c.gone) {
            metrics.countUnroutable();
            return;
        }
        try {
            if (!socket.send(c.routingId.bytes(), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                LOG.debug("router: {} cannot take more answers now", c.routingId);
                metrics.countUnroutable();
                return;
            }
            if (delimiter) {
                socket.send(EMPTY, ZMQ.SNDMORE | ZMQ.DONTWAIT);
            }
            long bytes = status.length + detail.length;
            if (version > 0) {
                byte[] v = Frames.versionFrame(version);
                socket.send(v, ZMQ.SNDMORE | ZMQ.DONTWAIT);
                socket.send(correlationId, ZMQ.SNDMORE | ZMQ.DONTWAIT);
                bytes += v.length + correlationId.length;
            }
            socket.send(status, ZMQ.SNDMORE | ZMQ.DONTWAIT);
            socket.send(detail, ZMQ.DONTWAIT);
            metrics.countOut(bytes);
        } catch (ZMQException e) {
            // EHOSTUNREACH: the client went away before its answer was ready.
            LOG.debug("router: {} is gone: {}", c.routingId, e.getMessage());
            metrics.countUnroutable();
        }
    }

    /** Sends a push ({@code [EGW/1, "", TYPE, PAYLOAD]}); false when the client cannot take it now. */
    boolean push(Connection c, byte[] type, byte[] payload) {
        if (c.gone) {
            return false;
        }
        try {
            if (!socket.send(c.routingId.bytes(), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return false;
            }
            socket.send(Frames.VERSION_1, ZMQ.SNDMORE | ZMQ.DONTWAIT);
            socket.send(EMPTY, ZMQ.SNDMORE | ZMQ.DONTWAIT);
            socket.send(type, ZMQ.SNDMORE | ZMQ.DONTWAIT);
            socket.send(payload, ZMQ.DONTWAIT);
            return true;
        } catch (ZMQException e) {
            metrics.countUnroutable();
            return false;
        }
    }
}
