package org.edgegateway.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/**
 * What the client knows about its connection. Thread-safe: the socket's event hook calls
 * {@link #consume} on a JeroMQ I/O thread, which only writes volatile fields and wakes the owner
 * thread; the owner thread calls {@link #markAlive()}; anyone reads.
 *
 * <p>JeroMQ 0.6.0 reports TCP connects and losses, and a refused key as
 * {@code HANDSHAKE_FAILED_AUTH}, but no {@code HANDSHAKE_SUCCEEDED}, and a peer that cannot
 * decrypt our HELLO (a wrong server key) just closes the connection. So the link counts as up
 * once a message from the gateway arrived on the current connection (the client sends a PING
 * right after each connect), and a connection lost before any message counts as a failed
 * handshake.
 */
final class LinkState implements ZEvent.ZEventConsummer {
    private static final Logger LOG = LoggerFactory.getLogger(LinkState.class);

    /** The socket events the hook asks for. */
    static final int EVENTS = ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED
            | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
            | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

    private final Runnable wakeUp;
    private volatile boolean tcpConnectedEver;
    private volatile boolean tcpUp;
    private volatile boolean alive;
    private volatile boolean aliveEver;
    private volatile String lastHandshakeFailure;
    private final AtomicInteger consecutiveHandshakeFailures = new AtomicInteger();
    private final AtomicLong connects = new AtomicLong();

    LinkState(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    @Override
    public void consume(ZEvent event) {
        ZMonitor.Event type = event.getEvent();
        LOG.debug("gateway client link: {} {}", type, event.getAddress());
        switch (type) {
            case CONNECTED -> {
                alive = false;
                tcpUp = true;
                tcpConnectedEver = true;
                connects.incrementAndGet();
            }
            case HANDSHAKE_FAILED_NO_DETAIL, HANDSHAKE_FAILED_PROTOCOL, HANDSHAKE_FAILED_AUTH ->
                    lastHandshakeFailure = type.name();
            case DISCONNECTED -> {
                if (tcpUp && !alive) {
                    consecutiveHandshakeFailures.incrementAndGet();
                    if (lastHandshakeFailure == null) {
                        lastHandshakeFailure = "connection closed during the handshake";
                    }
                }
                tcpUp = false;
                alive = false;
            }
            default -> {
                return;
            }
        }
        wakeUp.run();
    }

    /** A message from the gateway arrived: the handshake on the current connection is complete. */
    void markAlive() {
        if (!alive) {
            alive = true;
            aliveEver = true;
            lastHandshakeFailure = null;
            consecutiveHandshakeFailures.set(0);
        }
    }

    /** True once a message arrived on the current connection, until it is lost. */
    boolean alive() {
        return alive;
    }

    boolean aliveEver() {
        return aliveEver;
    }

    boolean tcpConnectedEver() {
        return tcpConnectedEver;
    }

    /** True when the gateway refused our key: {@code HANDSHAKE_FAILED_AUTH} since the last success. */
    boolean refused() {
        return ZMonitor.Event.HANDSHAKE_FAILED_AUTH.name().equals(lastHandshakeFailure);
    }

    /** What went wrong with the last handshake since the last success, or null. */
    String lastHandshakeFailure() {
        return lastHandshakeFailure;
    }

    int consecutiveHandshakeFailures() {
        return consecutiveHandshakeFailures.get();
    }

    /** How many TCP connections were made; a change means the link came (back) up. */
    long connects() {
        return connects.get();
    }
}
