package org.edgegateway.core.router;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.admin.ConnectionView;
import org.edgegateway.core.admin.RecentMessage;
import org.edgegateway.core.admission.AdmissionControl;
import org.edgegateway.core.health.Health;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Frames;
import org.edgegateway.protocol.Push;
import org.edgegateway.protocol.Reply;
import org.edgegateway.protocol.RequestView;
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
 * The message path: owns the CURVE ROUTER socket on its thread, {@code egw-router}; nothing else
 * touches the socket. This class is large because the loop, its per-message steps and the takeover
 * of an overrunning inline call share the router's state; the lanes ({@link Lanes}), the answers
 * ({@link Replies}), the routes ({@link TypeTable}) and the watchdog are classes of their own.
 *
 * <p>Per message, on this thread, with one clock reading per loop turn and no lock: identity from
 * the {@code User-Id} the ZAP handler set (never the routing id, which a client can choose), the
 * key's standing (cached per connection until the {@link KeyCache} changes), admission (quarantine
 * and token buckets) before anything is decoded, decoding into a reused {@link RequestView}, the
 * route from the type frame's bytes, then either
 * <ul>
 * <li>a handler declared non-blocking runs inline, here, under the {@link Watchdog}: the message
 * crosses the same threads as in a bare echo (JeroMQ's I/O thread and this one), or</li>
 * <li>the call goes to its {@link Lane}: one hand-off to a lane thread, one push back through the
 * {@link Inbox}, which rings the {@link Doorbell} (a system call) only if this thread is parked.</li>
 * </ul>
 * No timer per call: each lane's deadlines are checked at the head of its arrival-ordered list once
 * per turn. Socket monitor events and ZAP admissions are queued without waking this thread; admin
 * commands ({@link #execute}) wake it.
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private static final int MAX_FRAMES = 8;
    private static final int BATCH = 256;
    private static final long SNAPSHOT_MAX_AGE_MILLIS = 250;
    private static final long IDLE_PARK_MILLIS = 1000;
    private static final long EVENT_PARK_MILLIS = 100;

    private final ZContext context;
    private final GatewayConfig config;
    private final CurveKeyPair serverKeys;
    private final KeyCache keys;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final AdmissionControl admission;
    private final Health health;
    private final java.util.function.Consumer<String> abandonedHandshake;
    private final ConnectionTable connections = new ConnectionTable();
    private final DedupWindows dedup;
    private final TypeTable types;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final Map<SocketChannel, String> peers = new ConcurrentHashMap<>();
    private final Doorbell bell = new Doorbell();
    private final Inbox inbox = new Inbox(bell);
    private final InlineGuard guard = new InlineGuard(inbox);
    private final Watchdog watchdog;
    private final Replies replies;
    private final Lanes lanes;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Pending TCP connections the kernel may queue for the ROUTER (capped by net.core.somaxconn). */
    static final int LISTEN_BACKLOG = 4096;
    private final BooleanSupplier workWaiting = () -> !inbox.isEmpty() || !commands.isEmpty() || attachmentsWaiting();
    /** Sockets served by this loop beside the ROUTER. Router thread only. */
    private final java.util.List<RouterAttachment> attachments = new java.util.ArrayList<>(1);

    // Owned by the router thread of the current generation.
    private final byte[][] frames = new byte[MAX_FRAMES][];
    private final RequestView view = new RequestView();
    private final RoutingId probe = new RoutingId(new byte[0]);
    private Connection last;
    private long now;
    private Instant nowInstant;
    private boolean accepting = true;

    private volatile boolean running = true;
    private volatile boolean parkedHint;
    private volatile long lastSnapshot = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private volatile String boundEndpoint;
    private volatile Thread owner;
    private ZMQ.Socket socket;

    /**
     * @param health             told when the loop serves, and when the router thread dies while the gateway
     *                           runs (a router thread replaced by the watchdog on purpose is not a death)
     * @param abandonedHandshake told, on the router thread, the host of each connection that ended before
     *                           the ZAP handler decided on it (for address bans; must not block)
     */
    public Router(ZContext context, GatewayConfig config, CurveKeyPair serverKeys, KeyCache keys,
                  HandlerLookup handlers, GatewayMetrics metrics, Clock clock, AdmissionControl admission,
                  Health health, java.util.function.Consumer<String> abandonedHandshake) {
        this.context = context;
        this.health = health;
        this.abandonedHandshake = abandonedHandshake;
        health.starting(Health.ROUTER);
        this.admission = admission;
        this.config = config;
        this.serverKeys = serverKeys;
        this.keys = keys;
        this.metrics = metrics;
        this.clock = clock;
        this.dedup = new DedupWindows(config.dedupWindow(), 100_000);
        this.types = new TypeTable(handlers);
        this.replies = new Replies(metrics);
        this.watchdog = new Watchdog(guard, this::handOver, () -> parkedHint);
        this.lanes = new Lanes(replies, dedup, metrics, watchdog, config.queue(), config.queueBytes(),
                config.recentMessages());
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
            // A reconnect storm (every sensor back at once after a restart) overflows the default
            // listen queue of 100: connects beyond it are dropped and retried by TCP after seconds.
            socket.setBacklog(LISTEN_BACKLOG);
            socket.setEventHook(this::onSocketEvent, ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
            socket.bind(config.endpoint());
        } catch (RuntimeException e) {
            socket.close();
            throw new IllegalStateException("router: cannot bind " + config.endpoint() + ": " + e.getMessage(), e);
        }
        boundEndpoint = socket.getLastEndpoint();
        replies.bind(socket);
        bell.watch(socket.getFD());
        Thread t = new Thread(() -> loop(null), "egw-router");
        owner = t;
        guard.runner = t;
        t.start();
        watchdog.start();
        health.up(Health.ROUTER);
        LOG.info("router: listening on {}", boundEndpoint);
        return boundEndpoint;
    }

    public String boundEndpoint() {
        return boundEndpoint;
    }

    /**
     * Serves {@code attachment} on the router's loop from its next turn. Thread-safe; the attachment's
     * socket must not be used by the caller afterwards.
     */
    public void attach(RouterAttachment attachment) {
        execute(() -> {
            attachment.attached(bell);
            attachments.add(attachment);
        });
    }

    private boolean attachmentsWaiting() {
        for (int i = 0; i < attachments.size(); i++) {
            if (attachments.get(i).workWaiting()) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code command} on the router thread, soon. Thread-safe; never blocks. */
    public void execute(Runnable command) {
        commands.offer(command);
        bell.ring();
    }

    /** Queues an event for the router's next turn without waking it. */
    private void later(Runnable event) {
        events.offer(event);
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
                later(() -> connections.accepted(peer, channel, at));
            }
        } else if (type == ZMonitor.Event.DISCONNECTED) {
            // The channel may be closed by now, so its address comes from the ACCEPTED event.
            String peer = peers.remove(channel);
            LOG.debug("router: {} disconnected", peer);
            if (peer != null) {
                later(() -> {
                    String undecided = connections.disconnected(peer, at);
                    last = null;
                    if (undecided != null) {
                        abandonedHandshake.accept(undecided);
                    }
                });
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

    /** A ZAP admission (called on egw-zap); queued without waking the router. */
    public void authenticated(KeyCache.Entry client, String host) {
        Instant at = clock.instant();
        later(() -> connections.authenticated(client.publicKey(), client.name(), host, at));
    }

    /** A ZAP refusal (called on egw-zap); queued without waking the router. */
    public void refused(String host) {
        later(() -> connections.refused(host));
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
        byte[] type = push.type().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        execute(() -> {
            Connection c = connections.byKey(publicKey);
            done.complete(c != null && !c.cut && !c.gone && replies.push(c, type, push.payload()));
        });
        return done;
    }

    /** The last messages of a client that handlers answered, newest first, at most {@code limit}. */
    public CompletableFuture<List<RecentMessage>> recent(String clientName, int limit) {
        CompletableFuture<List<RecentMessage>> done = new CompletableFuture<>();
        execute(() -> done.complete(lanes.recent(clientName, limit)));
        return done;
    }

    /** The last connections and disconnections of a client since start, newest first (see {@link ConnectionHistory}). */
    public CompletableFuture<List<org.edgegateway.core.admin.ConnectionEvent>> connectionHistory(String clientName) {
        CompletableFuture<List<org.edgegateway.core.admin.ConnectionEvent>> done = new CompletableFuture<>();
        execute(() -> done.complete(connections.history(clientName)));
        return done;
    }

    /** Last message times of clients that disconnected since the previous call (for the last-seen record). */
    public Map<String, Instant> drainDeparted() {
        return connections.drainDeparted();
    }

    /**
     * The authenticated connections, at most {@value #SNAPSHOT_MAX_AGE_MILLIS} ms old. Built on the router
     * thread when someone asks, not on a timer: a gateway nobody watches spends nothing on it.
     */
    public List<ConnectionView> connections() {
        return activity().connections();
    }

    /**
     * The authenticated connections and, per client, what its ended connections added up to (messages,
     * bytes, last message) since start, published together; as fresh as {@link #connections()}.
     */
    public ConnectionsSnapshot activity() {
        long now = System.nanoTime();
        if (running && now - lastSnapshot > TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_MAX_AGE_MILLIS)) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            execute(() -> {
                connections.publishIfDirty();
                done.complete(null);
            });
            await(done, "snapshot");
            lastSnapshot = now;
        }
        return connections.published();
    }

    // ---- the loop ----------------------------------------------------------------------------------

    /**
     * The loop of one router thread. {@code adopted} is the inline call the watchdog took from the
     * previous router thread, registered before anything else so its answer finds it.
     */
    private void loop(Call adopted) {
        boolean handedOver = false;
        Throwable failure = null;
        try {
            if (adopted != null) {
                lanes.adopt(adopted);
                LOG.warn("router: carrying on on a new thread; the call of {} that overran stays on {}",
                        adopted.lane.name(), adopted.thread == null ? "its thread" : adopted.thread.getName());
            }
            while (running) {
                turn();
            }
            lanes.refuseAll("the gateway is stopping, retry later");
        } catch (HandedOver h) {
            handedOver = true;
        } catch (Throwable e) {
            if (owner != Thread.currentThread()) {
                // A former router thread (its inline call was taken over) stopped by the watchdog.
                handedOver = true;
            } else if (running) {
                failure = e;
                try {
                    LOG.error("router: loop failed", e);
                } catch (Throwable ignored) {
                    // The death is reported below all the same.
                }
            }
        } finally {
            if (!handedOver) {
                for (RouterAttachment a : attachments) {
                    try {
                        a.detached();
                    } catch (RuntimeException | LinkageError e) {
                        LOG.debug("router: detaching failed", e);
                    }
                }
                attachments.clear();
                try {
                    socket.setLinger(1000);
                    socket.close();
                } catch (RuntimeException e) {
                    LOG.debug("router: close failed", e);
                }
                stopped.countDown();
                if (failure != null) {
                    // The real failure path only: a hand-over and a stop requested by shutdown or halt are not deaths.
                    health.died(Health.ROUTER, failure);
                }
            }
        }
    }

    /** One turn: answers, commands, events, deadlines, then messages or a park. */
    private void turn() throws IOException {
        now = System.nanoTime();
        nowInstant = null;
        drainInbox();
        runQueue(commands);
        runQueue(events);
        long nextDeadline = lanes.expire(now);
        for (int i = 0; i < attachments.size(); i++) {
            nextDeadline = Math.min(nextDeadline, attachments.get(i).turn(now));
        }
        if (readable()) {
            receiveBatch();
            return;
        }
        long wait = events.isEmpty() ? IDLE_PARK_MILLIS : EVENT_PARK_MILLIS;
        if (nextDeadline != Long.MAX_VALUE) {
            wait = Math.min(wait, TimeUnit.NANOSECONDS.toMillis(nextDeadline - now) + 1);
        }
        parkedHint = true;
        bell.park(wait, workWaiting);
        parkedHint = false;
    }

    private boolean readable() {
        try {
            return accepting && (socket.getEvents() & ZMQ.Poller.POLLIN) != 0;
        } catch (ZMQException e) {
            if (e.getErrorCode() == ZError.ETERM) {
                running = false;
                return false;
            }
            throw e;
        }
    }

    private void drainInbox() {
        Call c = inbox.takeAll();
        while (c != null) {
            Call next = c.inboxNext;
            c.inboxNext = null;
            try {
                lanes.completed(c);
            } catch (HandedOver h) {
                throw h;
            } catch (RuntimeException | LinkageError e) {
                LOG.error("router: answering a call failed", e);
            }
            c = next;
        }
    }

    private void runQueue(Queue<Runnable> queue) {
        Runnable r;
        int n = 0;
        while (n++ < 10_000 && (r = queue.poll()) != null) {
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
            Metadata metadata = null;
            long size = 0;
            int count = 0;
            int total = 0;
            Msg m = first;
            while (m.hasMore()) {
                m = socket.recvMsg(ZMQ.DONTWAIT);
                if (m == null) {
                    break;
                }
                if (metadata == null) {
                    metadata = m.getMetadata();
                }
                size += m.size();
                if (count < MAX_FRAMES) {
                    frames[count++] = m.data();
                }
                total++;
            }
            try {
                onMessage(first.data(), count, total, metadata, size);
            } catch (HandedOver h) {
                // Not the router any more: touch nothing of its state on the way out.
                throw h;
            } catch (RuntimeException | LinkageError e) {
                metrics.countDropped();
                LOG.error("router: message dropped after an internal error", e);
            }
            for (int k = 0; k < count; k++) {
                frames[k] = null;
            }
        }
    }

    private Instant instant() {
        if (nowInstant == null) {
            nowInstant = clock.instant();
        }
        return nowInstant;
    }

    private void onMessage(byte[] routingId, int count, int total, Metadata metadata, long size) {
        metrics.countIn(size);
        Connection c = connection(routingId, metadata);
        if (c == null) {
            metrics.countDropped();
            return;
        }
        c.messages++;
        c.bytes += size;
        c.lastMessageAt = instant();
        connections.touched(c);

        KeyCache.Entry entry = c.entry;
        boolean quarantined = false;
        if (entry == null || entry.status() != ClientStatus.ACTIVE) {
            KeyCache.Verdict verdict = entry == null ? KeyCache.Verdict.REVOKED : entry.verdict(instant());
            if (verdict == KeyCache.Verdict.REVOKED || verdict == KeyCache.Verdict.PENDING) {
                decode(count, total);
                answerNow(c, ErrorCode.REVOKED, verdict == KeyCache.Verdict.PENDING
                        ? "the key of this client waits for an admin's approval"
                        : "the key of this client has been revoked");
                if (!c.cut) {
                    connections.cut(c.key);
                    admission.forget(c.key);
                }
                return;
            }
            quarantined = verdict == KeyCache.Verdict.QUARANTINED;
        }
        // Admission before decoding: a flood costs a bucket check per message, nothing more.
        switch (admission.admit(entry, size, quarantined, now)) {
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
                decode(count, total);
                answerNow(c, ErrorCode.RATE_LIMITED, "over the rate limit of this client; message dropped");
                return;
            }
            case QUARANTINED -> {
                decode(count, total);
                answerNow(c, ErrorCode.QUARANTINED, "this client is quarantined; its messages are discarded");
                return;
            }
        }
        decode(count, total);
        switch (view.kind()) {
            case DATA -> dispatch(c, entry);
            case PING -> replies.answer(c, view.delimiter(), view.version(), view.correlationId(), Reply.Status.PONG,
                    null, new byte[0]);
            case MALFORMED -> {
                if (admission.malformed(entry) == AdmissionControl.Decision.QUARANTINED) {
                    answerNow(c, ErrorCode.QUARANTINED, "this client is quarantined; its messages are discarded");
                } else {
                    answerNow(c, view.code(), view.detail());
                }
            }
        }
    }

    /**
     * The connection a message came on, with its key entry current; null when the message must be
     * dropped (no authenticated identity, or a routing id bound to another key).
     */
    private Connection connection(byte[] routingId, Metadata metadata) {
        Connection c = last;
        if (c == null || !java.util.Arrays.equals(c.routingId.bytes(), routingId)) {
            c = connections.byRouting(probe.set(routingId));
            if (c != null && c.gone) {
                // Still queued when its connection went away: nobody to act for, nobody to answer.
                return null;
            }
        }
        if (c != null && metadata == c.metadata) {
            // Same connection, same metadata object: the authenticated key has not changed.
            refreshEntry(c);
            last = c;
            return c;
        }
        String userId = metadata == null ? null : metadata.get(Metadata.USER_ID);
        if (userId == null || userId.isEmpty()) {
            // Only an authenticated CURVE connection can get here; without a user id, drop.
            return null;
        }
        if (c == null) {
            KeyCache.Entry entry = keys.lookup(userId);
            c = connections.bind(new RoutingId(routingId.clone()), userId, entry == null ? "?" : entry.name(),
                    metadata.get(Metadata.PEER_ADDRESS), instant());
        } else if (!userId.equals(c.key)) {
            // The routing id belongs to another authenticated connection: never act for it.
            LOG.debug("router: message on routing id {} authenticated as another key, dropped", c.routingId);
            return null;
        }
        c.metadata = metadata;
        c.peerAddress = metadata.get(Metadata.PEER_ADDRESS);
        c.entryVersion = -1;
        refreshEntry(c);
        last = c;
        return c;
    }

    private void refreshEntry(Connection c) {
        long v = keys.version();
        if (c.entryVersion != v) {
            c.entry = keys.lookup(c.key);
            c.entryVersion = v;
        }
    }

    private void decode(int count, int total) {
        Frames.decodeRequest(frames, count, total, view);
    }

    /** Answers the decoded request with an error, in its framing. */
    private void answerNow(Connection c, ErrorCode code, String detail) {
        replies.answer(c, view.delimiter(), view.version(), view.correlationId(), Reply.Status.ERROR, code,
                Replies.errorDetail(code, detail));
    }

    private void dispatch(Connection c, KeyCache.Entry entry) {
        byte[] payload = view.payload();
        if (payload.length > config.maxMessageSize()) {
            answerNow(c, ErrorCode.TOO_LARGE, "payload of " + payload.length + " bytes is above the limit of "
                    + config.maxMessageSize());
            return;
        }
        Route route = types.find(view.type());
        String type = types.name;
        if (route == null) {
            answerNow(c, ErrorCode.UNKNOWN_TYPE, "no handler for type " + type);
            return;
        }
        Lane lane = route.lane();
        if (!lane.isOpen()) {
            lane.busy.increment();
            answerNow(c, ErrorCode.BUSY, lane.label() + " is not serving " + type + " now, retry later");
            return;
        }
        boolean versioned = view.version() > 0;
        byte[] correlationId = versioned ? view.correlationId() : Call.NO_ID;
        DedupKey key = null;
        if (versioned && dedup.enabled()) {
            key = new DedupKey(entry.publicKey(), correlationId);
            Reply seen = dedup.begin(key);
            if (seen != null) {
                metrics.countDuplicate();
                if (seen != DedupWindows.IN_FLIGHT) {
                    replies.answer(c, view.delimiter(), view.version(), correlationId, seen.status(), seen.code(),
                            seen.detail());
                }
                return;
            }
        }
        HandlerMessage message = new HandlerMessage(entry.name(), entry.publicKey(), type, payload, instant(),
                c.peerAddress);
        LaneBook book = lanes.book(lane);
        if (route.inline() && !c.laneBusy(book)) {
            runInline(c, route, book, message, key);
            return;
        }
        String refused = lanes.refusal(book, payload.length);
        if (refused != null) {
            if (key != null) {
                dedup.forget(key);
            }
            lane.busy.increment();
            answerNow(c, ErrorCode.BUSY, refused);
            return;
        }
        lanes.submit(book, new Call(lane, route, inbox, c, view.delimiter(), view.version(), correlationId, key, message,
                now));
    }

    /**
     * Runs a non-blocking handler here, under the watchdog's eye. If the watchdog takes over meanwhile,
     * this thread is no longer the router: it hands the result to the call the watchdog made and ends.
     */
    private void runInline(Connection c, Route route, LaneBook book, HandlerMessage message, DedupKey key) {
        InlineGuard g = guard;
        g.route = route;
        g.connection = c;
        g.message = message;
        g.delimiter = view.delimiter();
        g.version = view.version();
        g.correlationId = g.version > 0 ? view.correlationId() : Call.NO_ID;
        g.dedup = key;
        g.arrivedAt = now;
        long s = g.begin();
        HandlerResult result = null;
        Throwable failure = null;
        try {
            result = route.handler().handle(message);
        } catch (Throwable e) {
            failure = e;
        }
        if (!g.end(s)) {
            Call taken = g.takeover;
            taken.result = result;
            taken.failure = failure;
            taken.finish();
            throw HandedOver.INSTANCE;
        }
        route.lane().inlineCalls.increment();
        lanes.answerResult(book, c, g.delimiter, g.version, g.correlationId, key, null, message, result, failure);
    }

    /** Watchdog: the inline call {@code taken} overran; a new router thread carries on. */
    private void handOver(Call taken) {
        Thread t = new Thread(() -> loop(taken), "egw-router");
        owner = t;
        guard.runner = t;
        t.start();
    }

    /** Thrown on a former router thread, after its inline call was taken over, to end its loop. */
    private static final class HandedOver extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final HandedOver INSTANCE = new HandedOver();

        private HandedOver() {
            super("router thread handed over", null, false, false);
        }
    }

    /**
     * Stops reading new messages, lets the calls in flight finish within {@code grace} and sends
     * their answers (those still running then get {@code BUSY}), then stops the loop (the socket is
     * closed by its own thread).
     */
    public void shutdown(Duration grace) {
        if (stopped.getCount() == 0 || owner == null) {
            // The loop already ended (it died, or halt() stopped it): nothing left to drain.
            running = false;
            closeHelpers();
            return;
        }
        CompletableFuture<Void> paused = new CompletableFuture<>();
        execute(() -> {
            accepting = false;
            paused.complete(null);
        });
        await(paused, "pause");
        long until = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() - until < 0) {
            CompletableFuture<Integer> left = new CompletableFuture<>();
            execute(() -> left.complete(lanes.unanswered()));
            Integer n = await(left, "drain");
            if (n == null || n == 0) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        bell.ring();
        execute(() -> { });
        try {
            if (owner != null && !stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("router: loop did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeHelpers();
    }

    private void closeHelpers() {
        watchdog.close();
        try {
            bell.close();
        } catch (IOException e) {
            LOG.debug("router: closing the selector failed", e);
        }
    }

    /**
     * Stops serving now, without draining: the loop ends at its next turn and closes the ROUTER, so
     * its bind goes away and live connections are dropped. For a gateway that must not go on serving
     * (its ZAP handler died). Thread-safe; never blocks. Not a death of the router.
     */
    public void halt() {
        running = false;
        bell.ring();
    }

    private static <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            LOG.debug("router: {} not confirmed: {}", what, e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
