package org.edgegateway.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/**
 * What the client knows about its connection, fed by the socket's event hook. Thread-safe: the
 * hook runs on a JeroMQ I/O thread and only writes volatile fields and wakes the owner thread;
 * the owner thread and callers read.
 */
final class LinkState implements ZEvent.ZEventConsummer {

    /** The socket events the hook asks for. */
    static final int EVENTS = ZMQ.EVENT_CONNECTED | ZMQ.EVENT_DISCONNECTED | ZMQ.EVENT_CONNECT_RETRIED
            | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_SUCCEEDED | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
            | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

    private final Runnable wakeUp;
    private volatile boolean tcpConnectedEver;
    private volatile boolean handshaken;
    private volatile boolean handshakenEver;
    private volatile ZMonitor.Event lastHandshakeFailure;
    private final AtomicInteger consecutiveHandshakeFailures = new AtomicInteger();
    private final AtomicLong generation = new AtomicLong();

    LinkState(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    @Override
    public void consume(ZEvent event) {
        ZMonitor.Event type = event.getEvent();
        switch (type) {
            case CONNECTED -> tcpConnectedEver = true;
            case HANDSHAKE_SUCCEEDED -> {
                lastHandshakeFailure = null;
                consecutiveHandshakeFailures.set(0);
                handshakenEver = true;
                handshaken = true;
                generation.incrementAndGet();
            }
            case HANDSHAKE_FAILED_NO_DETAIL, HANDSHAKE_FAILED_PROTOCOL, HANDSHAKE_FAILED_AUTH -> {
                handshaken = false;
                lastHandshakeFailure = type;
                consecutiveHandshakeFailures.incrementAndGet();
            }
            case DISCONNECTED -> handshaken = false;
            default -> {
                return;
            }
        }
        wakeUp.run();
    }

    boolean handshaken() {
        return handshaken;
    }

    boolean handshakenEver() {
        return handshakenEver;
    }

    boolean tcpConnectedEver() {
        return tcpConnectedEver;
    }

    /** The last handshake failure since the last success, or null. */
    ZMonitor.Event lastHandshakeFailure() {
        return lastHandshakeFailure;
    }

    int consecutiveHandshakeFailures() {
        return consecutiveHandshakeFailures.get();
    }

    /** How many handshakes have succeeded; a change means the link came (back) up. */
    long generation() {
        return generation.get();
    }
}
