package org.edgegateway.core.router;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.admission.AdmissionControl;
import org.edgegateway.core.admin.ConnectionView;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.protocol.Envelope;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Frames;
import org.edgegateway.protocol.Inbound;
import org.edgegateway.protocol.Push;
import org.edgegateway.protocol.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMonitor;
import zmq.Msg;
import zmq.ZError;
import zmq.io.Metadata;

/**
 * The I/O loop: owns the CURVE ROUTER socket on its own thread, {@code egw-router}, and nothing else
 * touches that socket. Other threads reach it only through {@link #execute(Runnable)}: a command
 * queue plus a wake-up pipe that the loop polls beside the ROUTER. Handler replies, socket monitor
 * events, ZAP admissions and admin commands all arrive that way.
 *
 * <p>Per message the loop does O(1) work without I/O: it takes the client's identity from the
 * {@code User-Id} the ZAP handler set (never from the routing id, which a client can choose),
 * checks the key's standing in the {@link KeyCache}, asks {@link AdmissionControl} (quarantine,
 * then the client's token buckets) before anything is decoded, decodes the frames, answers pings and
 * bad input itself and hands data to the {@link Dispatcher}. It never calls a handler and never
 * blocks.
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final int MAX_FRAMES = 8;
    private static final int BATCH = 512;

    private final ZContext context;
    private final GatewayConfig config;
    private final CurveKeyPair serverKeys;
    private final KeyCache keys;
    private final HandlerLookup handlers;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final Dispatcher dispatcher;
    private final AdmissionControl admission;
    private final ConnectionTable connections = new ConnectionTable();
    private final DedupWindows dedup;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<SocketChannel, String> peers = new ConcurrentHashMap<>();
    private final org.edgegateway.core.WakeUp wake;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean accepting = true;
    private volatile String boundEndpoint;
    private ZMQ.Socket socket;
    private Thread thread;

    public Router(ZContext context, GatewayConfig config, CurveKeyPair serverKeys, KeyCache keys,
                  HandlerLookup handlers, GatewayMetrics metrics, Clock clock, AdmissionControl admission) {
        this.context = context;
        this.admission = admission;
        this.config = config;
        this.serverKeys = serverKeys;
        this.keys = keys;
        this.handlers = handlers;
        this.metrics = metrics;
        this.clock = clock;
        this.dedup = new DedupWindows(config.dedupWindow(), 100_000);
        this.dispatcher = new Dispatcher(config.workers(), config.queue(), config.handlerTimeout(), this::handlerDone);
        this.wake = new org.edgegateway.core.WakeUp("router");
    }

    /**
     * Binds the ROUTER (the ZAP handler must already be bound) and starts the loop thread.
     *
     * @return the bound endpoint, with the real port when the configured one was {@code *}
     */
    public String start() {
        socket = context.createSocket(SocketType.ROUTER);
        try {
            socket.setCurveServer(true);
            socket.setCurveSecretKey(serverKeys.secretKey());
            socket.setZAPDomain(org.edgegateway.core.zap.ZapHandler.ROUTER_DOMAIN);
            socket.setRouterMandatory(true);
            socket.setLinger(0);
            socket.setSndHWM(config.sendHwm());
            socket.setRcvHWM(config.receiveHwm());
            socket.setMaxMsgSize(Math.min(Integer.MAX_VALUE, 2L * config.maxMessageSize() + 4096));
            socket.setHeartbeatIvl((int) config.heartbeatInterval().toMillis());
            socket.setHeartbeatTimeout((int) config.heartbeatTimeout().toMillis());
            socket.setHeartbeatTtl((int) Math.min(6_553_500, config.heartbeatTimeout().toMillis()));
            socket.setHandshakeIvl((int) config.handshakeTimeout().toMillis());
            socket.setEventHook(this::onSocketEvent, ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
            socket.bind(config.endpoint());
        } catch (RuntimeException e) {
            socket.close();
            throw new IllegalStateException("router: cannot bind " + config.endpoint() + ": " + e.getMessage(), e);
        }
        boundEndpoint = socket.getLastEndpoint();
        thread = new Thread(this::loop, "egw-router");
        thread.setDaemon(false);
        thread.start();
        LOG.info("router: listening on {}", boundEndpoint);
        return boundEndpoint;
    }

    public String boundEndpoint() {
        return boundEndpoint;
    }

    /** Runs {@code command} on the router thread, soon. Thread-safe; never blocks. */
    public void execute(Runnable command) {
        commands.offer(command);
        try {
            wake.signal();
        } catch (IOException e) {
            LOG.warn("router: wake-up failed: {}", e.toString());
        }
    }

    /** Called on the transport's I/O thread: must only hand over. */
    private void onSocketEvent(ZEvent event) {
        ZMonitor.Event type = event.getEvent();
        Object value = event.getValue();
        if (!(value instanceof SocketChannel channel)) {
            return;
        }
        Instant at = clock.instant();
        if (type == ZMonitor.Event.ACCEPTED) {
            String peer = peerOf(channel);
            if (peer != null) {
                peers.put(channel, peer);
                execute(() -> connections.accepted(peer, channel, at));
            }
        } else if (type == ZMonitor.Event.DISCONNECTED) {
            // The channel may be closed by now, so its address comes from the ACCEPTED event.
            String peer = peers.remove(channel);
            LOG.debug("router: {} disconnected", peer);
            if (peer != null) {
                execute(() -> connections.disconnected(peer));
            }
        }
    }

    private static String peerOf(SocketChannel channel) {
        try {
            if (channel.getRemoteAddress() instanceof InetSocketAddress a) {
                return a.getAddress().getHostAddress() + ":" + a.getPort();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("router: accepted a channel without an address: {}", e.toString());
        }
        return null;
    }

    /** A ZAP admission (called on egw-zap). */
    public void authenticated(KeyCache.Entry client, String host) {
        Instant at = clock.instant();
        execute(() -> connections.authenticated(client.publicKey(), client.name(), host, at));
    }

    /**
     * Tells admission that the quarantine it asked for {@code publicKey} has been stored (or has
     * failed), so the key cache decides again. Thread-safe; never blocks.
     */
    public void quarantineSettled(String publicKey) {
        execute(() -> admission.settled(publicKey));
    }

    /** Cuts the live connections of a key; completes with how many there were. */
    public CompletableFuture<Integer> cut(String publicKey) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        execute(() -> done.complete(connections.cut(publicKey)));
        return done;
    }

    /**
     * Sends a push to the connected client with this key; completes false when it is not connected
     * or its queue is full.
     */
    public CompletableFuture<Boolean> push(String publicKey, Push push) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        execute(() -> {
            for (Connection c : connections.all()) {
                if (publicKey.equals(c.key) && c.routingId != null && !c.cut) {
                    done.complete(send(c.routingId, Frames.encodePush(push)));
                    return;
                }
            }
            done.complete(false);
        });
        return done;
    }

    /** Last message times of clients that disconnected since the previous call (for the last-seen record). */
    public Map<String, Instant> drainDeparted() {
        return connections.drainDeparted();
    }

    /** The authenticated connections, as last published (at most a few hundred ms old). */
    public List<ConnectionView> connections() {
        return connections.snapshot();
    }

    private void loop() {
        ZMQ.Poller poller = context.createPoller(2);
        poller.register(socket, ZMQ.Poller.POLLIN);
        poller.register(wake.channel(), ZMQ.Poller.POLLIN);
        long nextPublish = 0;
        try {
            while (running) {
                // ZeroMQ signals readiness edge-triggered: sending answers can consume the signal of
                // a message that is already queued, so ask the socket itself before sleeping.
                if (!readable()) {
                    try {
                        poller.poll(100);
                    } catch (ZMQException e) {
                        if (e.getErrorCode() == ZError.ETERM) {
                            break;
                        }
                        throw e;
                    }
                }
                if (wake.pending()) {
                    drainWake();
                }
                runCommands();
                if (readable()) {
                    receiveBatch();
                    runCommands();
                }
                long now = System.nanoTime();
                if (now - nextPublish >= 0) {
                    connections.publishIfDirty();
                    nextPublish = now + TimeUnit.MILLISECONDS.toNanos(200);
                }
            }
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("router: loop failed", e);
            }
        } finally {
            poller.close();
            try {
                socket.setLinger(1000);
                socket.close();
            } catch (RuntimeException e) {
                LOG.debug("router: close failed", e);
            }
            stopped.countDown();
        }
    }

    private boolean readable() {
        return accepting && (socket.getEvents() & ZMQ.Poller.POLLIN) != 0;
    }

    private void drainWake() {
        try {
            wake.clear();
        } catch (IOException e) {
            LOG.warn("router: wake-up drain failed: {}", e.toString());
        }
    }

    private void runCommands() {
        Runnable r;
        int n = 0;
        while (n++ < 10_000 && (r = commands.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException | LinkageError e) {
                LOG.error("router: command failed", e);
            }
        }
    }

    private void receiveBatch() {
        for (int i = 0; i < BATCH; i++) {
            Msg first = socket.recvMsg(ZMQ.DONTWAIT);
            if (first == null) {
                return;
            }
            List<byte[]> frames = new ArrayList<>(4);
            Metadata metadata = null;
            long size = 0;
            int extra = 0;
            Msg last = first;
            while (last.hasMore()) {
                last = socket.recvMsg(ZMQ.DONTWAIT);
                if (last == null) {
                    break;
                }
                if (metadata == null) {
                    metadata = last.getMetadata();
                }
                size += last.size();
                if (frames.size() < MAX_FRAMES) {
                    frames.add(last.data());
                } else {
                    extra++;
                }
            }
            try {
                onMessage(new RoutingId(first.data()), frames, extra, metadata, size);
            } catch (RuntimeException | LinkageError e) {
                metrics.countDropped();
                LOG.error("router: message dropped after an internal error", e);
            }
        }
    }

    private void onMessage(RoutingId id, List<byte[]> frames, int extraFrames, Metadata metadata, long size) {
        metrics.countIn(size);
        String userId = metadata == null ? null : metadata.get(Metadata.USER_ID);
        if (userId == null || userId.isEmpty()) {
            // Only an authenticated CURVE connection can get here; without a user id, drop.
            metrics.countDropped();
            return;
        }
        Instant now = clock.instant();
        Connection c = connections.byRouting(id);
        KeyCache.Entry entry = keys.lookup(userId);
        if (c == null) {
            c = connections.bind(id, userId, entry == null ? "?" : entry.name(),
                    metadata.get(Metadata.PEER_ADDRESS), now);
        } else if (!userId.equals(c.key)) {
            // The routing id belongs to another authenticated connection: never act for it.
            metrics.countDropped();
            LOG.debug("router: message on routing id {} authenticated as another key, dropped", id);
            return;
        }
        c.messages++;
        c.bytes += size;
        c.lastMessageAt = now;
        connections.touched(c);

        KeyCache.Verdict verdict = entry == null ? KeyCache.Verdict.REVOKED : entry.verdict(now);
        if (verdict == KeyCache.Verdict.REVOKED) {
            reply(c, Reply.error(decode(frames, extraFrames).envelope(), ErrorCode.REVOKED,
                    "the key of this client has been revoked"));
            if (!c.cut) {
                connections.cut(userId);
                admission.forget(userId);
            }
            return;
        }
        // Admission before decoding: a flood costs a bucket check per message, nothing more.
        switch (admission.admit(entry, size, verdict == KeyCache.Verdict.QUARANTINED)) {
            case PASS -> {
                if (c.cut) {
                    // Cut by an admin action that has since been undone: the connection is going away.
                    metrics.countDropped();
                    return;
                }
            }
            case DROP -> {
                return;
            }
            case RATE_LIMITED -> {
                reply(c, Reply.error(decode(frames, extraFrames).envelope(), ErrorCode.RATE_LIMITED,
                        "over the rate limit of this client; message dropped"));
                return;
            }
            case QUARANTINED -> {
                quarantineNotice(c, frames, extraFrames);
                return;
            }
        }
        Inbound in = decode(frames, extraFrames);
        Envelope envelope = in.envelope();
        if (in instanceof Inbound.Data d) {
            dispatch(c, d, entry, now, metadata);
        } else if (in instanceof Inbound.Malformed m) {
            if (admission.malformed(entry) == AdmissionControl.Decision.QUARANTINED) {
                quarantineNotice(c, frames, extraFrames);
            } else {
                reply(c, Reply.error(envelope, m.code(), m.detail()));
            }
        } else {
            metrics.countPong();
            reply(c, Reply.pong(envelope));
        }
    }

    private static Inbound decode(List<byte[]> frames, int extraFrames) {
        return extraFrames > 0
                ? new Inbound.Malformed(Frames.decodeRequest(frames).envelope(), ErrorCode.BAD_FRAME,
                        "too many frames: " + (frames.size() + extraFrames))
                : Frames.decodeRequest(frames);
    }

    private void quarantineNotice(Connection c, List<byte[]> frames, int extraFrames) {
        reply(c, Reply.error(decode(frames, extraFrames).envelope(), ErrorCode.QUARANTINED,
                "this client is quarantined; its messages are discarded"));
    }

    private void dispatch(Connection c, Inbound.Data d, KeyCache.Entry entry, Instant now, Metadata metadata) {
        Envelope envelope = d.envelope();
        if (d.payload().length > config.maxMessageSize()) {
            reply(c, Reply.error(envelope, ErrorCode.TOO_LARGE, "payload of " + d.payload().length
                    + " bytes is above the limit of " + config.maxMessageSize()));
            return;
        }
        MessageHandler handler = handlers.handlerFor(d.type());
        if (handler == null) {
            reply(c, Reply.error(envelope, ErrorCode.UNKNOWN_TYPE, "no handler for type " + d.type()));
            return;
        }
        DedupKey key = null;
        if (envelope.versioned() && dedup.enabled()) {
            key = new DedupKey(entry.publicKey(), envelope.correlationId());
            Reply seen = dedup.begin(key);
            if (seen == DedupWindows.IN_FLIGHT) {
                metrics.countDuplicate();
                return;
            }
            if (seen != null) {
                metrics.countDuplicate();
                reply(c, seen);
                return;
            }
        }
        HandlerMessage message = new HandlerMessage(entry.name(), entry.publicKey(), d.type(), d.payload(), now,
                metadata.get(Metadata.PEER_ADDRESS));
        Job job = new Job(c.routingId, envelope, handler, message, key);
        if (!dispatcher.submit(job)) {
            if (key != null) {
                dedup.forget(key);
            }
            reply(c, Reply.error(envelope, ErrorCode.BUSY, "the gateway is at capacity, retry later"));
        }
    }

    /** Called on a worker or the timer thread. */
    private void handlerDone(Job job, Reply reply) {
        execute(() -> {
            if (job.dedup() != null) {
                if (reply.code() == ErrorCode.BUSY) {
                    dedup.forget(job.dedup());
                } else {
                    dedup.complete(job.dedup(), reply);
                }
            }
            Connection c = connections.byRouting(job.routingId());
            if (c == null) {
                LOG.debug("router: answer for {} has no connection any more", job.routingId());
                metrics.countUnroutable();
                return;
            }
            reply(c, reply);
        });
    }

    private void reply(Connection c, Reply reply) {
        if (reply.code() != null) {
            c.errors++;
            metrics.countError(reply.code());
        } else if (reply.isAck()) {
            metrics.countAck();
        }
        send(c.routingId, Frames.encodeReply(reply));
    }

    private boolean send(RoutingId to, List<byte[]> frames) {
        try {
            if (!socket.sendMsg(new Msg(to.bytes()), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                LOG.debug("router: {} cannot take more answers now", to);
                metrics.countUnroutable();
                return false;
            }
            for (int i = 0; i < frames.size(); i++) {
                socket.sendMsg(new Msg(frames.get(i)), i < frames.size() - 1 ? ZMQ.SNDMORE | ZMQ.DONTWAIT : ZMQ.DONTWAIT);
            }
            return true;
        } catch (ZMQException e) {
            // EHOSTUNREACH: the client went away before its answer was ready.
            LOG.debug("router: {} is gone: {}", to, e.getMessage());
            metrics.countUnroutable();
            return false;
        }
    }

    /**
     * Stops reading new messages, lets the handlers in flight finish within {@code grace} and sends
     * their answers, then stops the loop (the socket is closed by its own thread).
     */
    public void shutdown(Duration grace) {
        CompletableFuture<Void> paused = new CompletableFuture<>();
        execute(() -> {
            accepting = false;
            paused.complete(null);
        });
        try {
            paused.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("router: pause not confirmed: {}", e.toString());
        }
        dispatcher.shutdown(grace);
        CompletableFuture<Void> drained = new CompletableFuture<>();
        execute(() -> drained.complete(null));
        try {
            drained.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("router: drain not confirmed: {}", e.toString());
        }
        running = false;
        execute(() -> { });
        try {
            if (thread != null && !stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("router: loop did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            wake.close();
        } catch (IOException e) {
            LOG.debug("router: closing the wake-up pipe failed", e);
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
