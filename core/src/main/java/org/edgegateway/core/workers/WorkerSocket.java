package org.edgegateway.core.workers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.edgegateway.keys.CurveKeyPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMonitor;
import zmq.Msg;
import zmq.io.Metadata;

/**
 * The workers' CURVE ROUTER. Owned by the router thread once bound (reads, sends, close); JeroMQ's
 * I/O thread runs only {@link #onSocketEvent}, which keeps the TCP channel of each peer address in
 * concurrent maps and hands a disconnect to {@code gone}, so that a revoked worker's connection can be
 * shut down from the router thread ({@link #shutdown}).
 */
final class WorkerSocket {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSocket.class);
    private static final int MAX_FRAMES = 8;

    private final ZMQ.Socket socket;
    private final String boundEndpoint;
    private final Consumer<String> gone;
    private final Map<SocketChannel, String> channelPeers = new ConcurrentHashMap<>();
    private final Map<String, SocketChannel> peerChannels = new ConcurrentHashMap<>();

    /** One message of a worker: its routing id, up to eight frames after it, the connection's metadata. */
    record Inbound(byte[] routingId, List<byte[]> frames, Metadata metadata) {

        /** The routing id as a map key. */
        String id() {
            return WorkerSocket.id(routingId);
        }
    }

    /**
     * Binds the ROUTER (the ZAP handler must be bound already).
     *
     * @param maxFrameBytes the largest frame a worker may send: a larger one closes its connection
     * @param gone          told, on JeroMQ's I/O thread, the peer address of each connection that closed;
     *                      must not block
     */
    WorkerSocket(ZContext context, CurveKeyPair serverKeys, String endpoint, String domain, long maxFrameBytes,
                 Consumer<String> gone) {
        this.gone = gone;
        socket = context.createSocket(SocketType.ROUTER);
        try {
            socket.setCurveServer(true);
            socket.setCurveSecretKey(serverKeys.secretKey());
            socket.setZAPDomain(domain);
            socket.setRouterMandatory(true);
            socket.setLinger(0);
            socket.setSndHWM(100_000);
            socket.setRcvHWM(100_000);
            socket.setMaxMsgSize(maxFrameBytes);
            socket.setHandshakeIvl(10_000);
            socket.setEventHook(this::onSocketEvent, ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
            socket.bind(endpoint);
        } catch (RuntimeException e) {
            socket.close();
            throw new IllegalStateException("workers: cannot bind " + endpoint + ": " + e.getMessage(), e);
        }
        boundEndpoint = socket.getLastEndpoint();
    }

    /** The routing id of a worker's connection as a map key. */
    static String id(byte[] routingId) {
        return new String(routingId, StandardCharsets.ISO_8859_1);
    }

    String boundEndpoint() {
        return boundEndpoint;
    }

    /** The descriptor that signals the socket's commands (edge-triggered: ask {@link #readable}). */
    SelectableChannel descriptor() {
        return socket.getFD();
    }

    /** Whether a message waits now. */
    boolean readable() {
        return (socket.getEvents() & ZMQ.Poller.POLLIN) != 0;
    }

    /** The next message, or null when none waits. Frames past the eighth are read and dropped. */
    Inbound receive() {
        Msg first = socket.recvMsg(ZMQ.DONTWAIT);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(5);
        Metadata metadata = null;
        Msg m = first;
        while (m.hasMore() && frames.size() < MAX_FRAMES) {
            m = socket.recvMsg(ZMQ.DONTWAIT);
            if (m == null) {
                break;
            }
            if (metadata == null) {
                metadata = m.getMetadata();
            }
            frames.add(m.data());
        }
        while (m != null && m.hasMore()) {
            m = socket.recvMsg(ZMQ.DONTWAIT);
        }
        return new Inbound(first.data(), frames, metadata);
    }

    /** Sends {@code frames} to the connection {@code routingId} without waiting; false when it cannot be reached. */
    boolean send(byte[] routingId, byte[]... frames) {
        try {
            if (!socket.send(routingId, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return false;
            }
            for (int i = 0; i < frames.length; i++) {
                socket.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE | ZMQ.DONTWAIT : ZMQ.DONTWAIT);
            }
            return true;
        } catch (ZMQException e) {
            return false;
        }
    }

    /** Shuts the TCP connection of {@code peer} down, if it is still open. */
    void shutdown(String peer) {
        SocketChannel channel = peerChannels.get(peer);
        if (channel == null) {
            return;
        }
        try {
            channel.shutdownInput();
            channel.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            LOG.debug("workers: shutdown failed: {}", e.toString());
        }
    }

    /** Closes the socket, giving what it still has to send 100 ms. */
    void close() {
        try {
            socket.setLinger(100);
            socket.close();
        } catch (RuntimeException e) {
            LOG.debug("workers: close failed", e);
        }
    }

    /** JeroMQ's I/O thread: the channels by peer address, and who went away. */
    private void onSocketEvent(ZEvent event) {
        if (!(event.getValue() instanceof SocketChannel channel)) {
            return;
        }
        if (event.getEvent() == ZMonitor.Event.ACCEPTED) {
            try {
                if (channel.getRemoteAddress() instanceof InetSocketAddress a) {
                    String peer = a.getAddress().getHostAddress() + ":" + a.getPort();
                    channelPeers.put(channel, peer);
                    peerChannels.put(peer, channel);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("workers: accepted a channel without an address: {}", e.toString());
            }
        } else if (event.getEvent() == ZMonitor.Event.DISCONNECTED) {
            String peer = channelPeers.remove(channel);
            if (peer != null) {
                peerChannels.remove(peer, channel);
                gone.accept(peer);
            }
        }
    }
}
