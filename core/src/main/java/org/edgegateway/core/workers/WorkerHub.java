package org.edgegateway.core.workers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.router.Doorbell;
import org.edgegateway.core.router.Lane;
import org.edgegateway.core.router.LaneLimits;
import org.edgegateway.core.router.RemoteCall;
import org.edgegateway.core.router.Route;
import org.edgegateway.core.router.RouterAttachment;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.WorkerRecord;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.protocol.TypeNames;
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
 * The worker backend: a CURVE ROUTER ({@code workers.endpoint}) served by the router's own loop (a
 * {@link RouterAttachment}), where external workers in any language connect with enrolled worker keys
 * and announce the types they serve (the Majordomo pattern: READY, REQUEST, REPLY, HEARTBEAT,
 * DISCONNECT; docs/PROTOCOL.md). Sharing the router's thread, a call reaches a worker and its answer
 * the client without a hand-off between threads. Thread-safe: other threads only read the routes and
 * the view and ask for a cut (queued for the loop); everything else happens on the router thread.
 *
 * <p>Each type a worker serves has a remote {@link Lane} of its own (per-type isolation: bounds,
 * deadlines and breaker as for a plugin), published through {@link HandlerLookup} while at least one
 * worker serves it. A call goes to the least recently used ready worker of its type with credit left
 * ({@code workers.max-in-flight}); none has credit: it waits (its lane's bytes bound the wait). A
 * worker that dies (three heartbeats missed), disconnects or is revoked hands its requests still
 * unanswered to another worker of the type, or back to the wait. The router's deadline and one
 * compare-and-set per call decide between a worker's reply and the time limit, so a late reply of a
 * dead worker is dropped and a client never gets two answers.
 */
public final class WorkerHub implements HandlerLookup, RouterAttachment, AutoCloseable {
    /** The ZAP domain of the workers' ROUTER: the ZAP handler admits worker keys only there. */
    public static final String DOMAIN = "edge-gateway-workers";
    private static final Logger LOG = LoggerFactory.getLogger(WorkerHub.class);
    private static final byte[] READY = ascii("READY");
    private static final byte[] REQUEST = ascii("REQUEST");
    private static final byte[] REPLY = ascii("REPLY");
    private static final byte[] HEARTBEAT = ascii("HEARTBEAT");
    private static final byte[] DISCONNECT = ascii("DISCONNECT");
    private static final byte[] ERROR = ascii("ERROR");
    private static final byte[] ACK = ascii("ACK");

    private final ZContext context;
    private final CurveKeyPair serverKeys;
    private final WorkerConfig config;
    /** Active worker keys (Z85) and their names, replaced whole on every change. */
    private volatile Map<String, String> enrolled = Map.of();
    private final Predicate<String> servedElsewhere;
    private final Clock clock;
    private volatile Doorbell bell;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<SocketChannel, String> channelPeers = new ConcurrentHashMap<>();
    private final Map<String, SocketChannel> peerChannels = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private volatile Map<String, Route> routes = Map.of();
    private volatile List<WorkerView> view = List.of();
    private volatile boolean running = true;
    private volatile boolean attached;
    private volatile boolean detached;
    /** The router thread of the last turn. */
    private volatile Thread loopThread;
    private volatile String boundEndpoint;

    // Owned by the router thread.
    private final Map<String, Worker> workers = new HashMap<>();
    private final Map<String, TypeQueue> types = new HashMap<>();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<String, WorkerStats> workerStats = new ConcurrentHashMap<>();
    private final Map<String, WorkerStats> typeStats = new ConcurrentHashMap<>();
    private final List<java.util.function.Consumer<WorkerStats>> statsListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long requestIds;
    private ZMQ.Socket socket;
    private long nextHousekeeping;

    /** One connected worker. Owned by the router thread. */
    private static final class Worker {
        final byte[] routingId;
        final String id;
        final String key;
        final String name;
        final String peer;
        final Instant connectedAt;
        final Set<String> types = new LinkedHashSet<>();
        final Map<Long, Pending> inFlight = new LinkedHashMap<>();
        WorkerStats stats;
        long lastHeard;
        long lastSent;
        Instant lastHeardAt;
        long served;
        long failed;

        Worker(byte[] routingId, String id, String key, String name, String peer, Instant at, long now) {
            this.routingId = routingId;
            this.id = id;
            this.key = key;
            this.name = name;
            this.peer = peer;
            this.connectedAt = at;
            this.lastHeard = now;
            this.lastHeardAt = at;
        }
    }

    /** A request sent to a worker and not answered by it yet. */
    private record Pending(RemoteCall call, long sentAt, WorkerStats type) {
    }

    /** The workers of one type, least recently used first, and the calls waiting for credit. */
    private static final class TypeQueue {
        final ArrayDeque<Worker> ready = new ArrayDeque<>();
        final ArrayDeque<RemoteCall> waiting = new ArrayDeque<>();
        int serving;
    }

    /**
     * @param enrolledKeys    the enrolled worker keys (revoked ones are ignored); see {@link #enrolled(List)}
     * @param servedElsewhere whether a type is already served by a plugin (then a worker cannot have it
     *                        unless {@link WorkerConfig#allowPluginTypes()})
     */
    public WorkerHub(ZContext context, CurveKeyPair serverKeys, WorkerConfig config, List<WorkerRecord> enrolledKeys,
                     Predicate<String> servedElsewhere, Clock clock) {
        this.context = context;
        this.serverKeys = serverKeys;
        this.config = config;
        enrolled(enrolledKeys);
        this.servedElsewhere = servedElsewhere;
        this.clock = clock;
    }

    /**
     * Binds the workers' ROUTER (the ZAP handler must be bound already); then hand the hub to the
     * router ({@link org.edgegateway.core.router.Router#attach}), whose loop serves it from then on.
     */
    public String start() {
        socket = context.createSocket(SocketType.ROUTER);
        try {
            socket.setCurveServer(true);
            socket.setCurveSecretKey(serverKeys.secretKey());
            socket.setZAPDomain(DOMAIN);
            socket.setRouterMandatory(true);
            socket.setLinger(0);
            socket.setSndHWM(100_000);
            socket.setRcvHWM(100_000);
            socket.setHandshakeIvl(10_000);
            socket.setEventHook(this::onSocketEvent, ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
            socket.bind(config.endpoint());
        } catch (RuntimeException e) {
            socket.close();
            throw new IllegalStateException("workers: cannot bind " + config.endpoint() + ": " + e.getMessage(), e);
        }
        boundEndpoint = socket.getLastEndpoint();
        LOG.info("workers: listening on {}", boundEndpoint);
        return boundEndpoint;
    }

    // ---- RouterAttachment: the router thread --------------------------------------------------------

    @Override
    public void attached(Doorbell routerBell) {
        routerBell.watch(socket.getFD());
        bell = routerBell;
        attached = true;
        nextHousekeeping = System.nanoTime();
    }

    @Override
    public long turn(long now) {
        loopThread = Thread.currentThread();
        if (detached) {
            return Long.MAX_VALUE;
        }
        Runnable r;
        while ((r = commands.poll()) != null) {
            r.run();
        }
        int n = 0;
        while (n++ < 1000 && (socket.getEvents() & ZMQ.Poller.POLLIN) != 0) {
            receive();
        }
        if (now - nextHousekeeping >= 0) {
            housekeeping(now);
            nextHousekeeping = now + config.heartbeatInterval().toNanos() / 2;
        }
        return nextHousekeeping;
    }

    @Override
    public boolean workWaiting() {
        // The descriptor is edge-triggered, and a send can consume the signal of a message already
        // queued: the socket itself says whether one waits.
        return !detached && (!commands.isEmpty() || (socket.getEvents() & ZMQ.Poller.POLLIN) != 0);
    }

    @Override
    public void detached() {
        if (detached) {
            return;
        }
        detached = true;
        for (Worker w : new ArrayList<>(workers.values())) {
            send(w.routingId, DISCONNECT);
        }
        try {
            socket.setLinger(100);
            socket.close();
        } catch (RuntimeException e) {
            LOG.debug("workers: close failed", e);
        }
    }

    /** Runs {@code command} on the router thread, soon. */
    private void later(Runnable command) {
        commands.offer(command);
        Doorbell b = bell;
        if (b != null) {
            b.ring();
        }
    }

    public String boundEndpoint() {
        return boundEndpoint;
    }

    /**
     * The worker keys as enrolled now; a key no longer among the active ones is refused at its next
     * handshake (cut its connections with {@link #cut}).
     */
    public void enrolled(List<WorkerRecord> records) {
        Map<String, String> next = new HashMap<>();
        for (WorkerRecord r : records) {
            if (r.active()) {
                next.put(r.publicKey(), r.name());
            }
        }
        enrolled = Map.copyOf(next);
    }

    /** The ZAP look-up of the workers' domain: active worker keys only. */
    public KeyCache.Entry lookupKey(String publicKeyZ85) {
        String name = publicKeyZ85 == null ? null : enrolled.get(publicKeyZ85);
        return name == null ? null
                : new KeyCache.Entry(name, publicKeyZ85, ClientStatus.ACTIVE, ClientLimits.DEFAULTS, null);
    }

    // ---- HandlerLookup: the routes of the types some worker serves now ------------------------------

    @Override
    public Route route(String type) {
        return routes.get(type);
    }

    @Override
    public Set<String> types() {
        return routes.keySet();
    }

    @Override
    public long version() {
        return version.get();
    }

    /**
     * Tells {@code listener} of every worker name and type with totals, now and whenever a new one
     * appears (on {@code egw-workers}; must not block). For metrics.
     */
    public synchronized void onStats(java.util.function.Consumer<WorkerStats> listener) {
        statsListeners.add(listener);
        workerStats.values().forEach(listener);
        typeStats.values().forEach(listener);
    }

    private WorkerStats stats(Map<String, WorkerStats> all, String kind, String name) {
        WorkerStats st = all.get(name);
        if (st == null) {
            synchronized (this) {
                st = all.computeIfAbsent(name, n -> new WorkerStats(kind, n));
                WorkerStats made = st;
                statsListeners.forEach(l -> l.accept(made));
            }
        }
        return st;
    }

    /**
     * The connected workers now: taken on the router thread on request (at most 1 s of waiting; a hub
     * that does not answer in time, or has stopped, gives its last view, at most half a heartbeat old).
     */
    public List<WorkerView> workers() {
        if (!running || !attached || detached || Thread.currentThread() == loopThread) {
            return view;
        }
        CompletableFuture<List<WorkerView>> fresh = new CompletableFuture<>();
        later(() -> {
            publishView();
            fresh.complete(view);
        });
        try {
            return fresh.get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return view;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return view;
        }
    }

    /** Disconnects every worker with this key at once (revoked); completes with how many there were. */
    public CompletableFuture<Integer> cut(String publicKey) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        if (!attached || detached) {
            done.complete(0);
            return done;
        }
        later(() -> {
            int n = 0;
            for (Worker w : new ArrayList<>(workers.values())) {
                if (w.key.equals(publicKey)) {
                    send(w.routingId, DISCONNECT);
                    remove(w, "revoked");
                    shutdown(peerChannels.get(w.peer));
                    n++;
                }
            }
            done.complete(n);
        });
        return done;
    }

    // ---- the router's side -------------------------------------------------------------------------

    /** {@link Lane.Dispatcher} of every worker type's lane: called on the router thread, as the hub's turns are. */
    private boolean dispatch(RemoteCall call) {
        if (!running || detached) {
            return false;
        }
        place(call);
        return true;
    }

    private Lane lane(String type) {
        return lanes.computeIfAbsent(type, t -> Lane.remote("worker-" + t, "the workers of " + t,
                new LaneLimits(config.timeout(), 1_000_000, 1, java.time.Duration.ofMillis(250), 1_000_000,
                        config.queueBytes(), Long.MAX_VALUE, java.time.Duration.ofMillis(50)),
                (l, why) -> LOG.warn("workers: {}: {}", l.name(), why), this::dispatch));
    }

    // ---- the hub's thread ----------------------------------------------------------------------------

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
                later(() -> gone(peer));
            }
        }
    }

    private void receive() {
        Msg first = socket.recvMsg(ZMQ.DONTWAIT);
        if (first == null) {
            return;
        }
        List<byte[]> frames = new ArrayList<>(5);
        Metadata metadata = null;
        Msg m = first;
        while (m.hasMore() && frames.size() < 8) {
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
        byte[] routingId = first.data();
        String id = new String(routingId, StandardCharsets.ISO_8859_1);
        Worker w = workers.get(id);
        long now = System.nanoTime();
        if (w != null) {
            w.lastHeard = now;
            w.lastHeardAt = clock.instant();
        }
        if (frames.isEmpty()) {
            return;
        }
        byte[] command = frames.get(0);
        if (java.util.Arrays.equals(command, READY)) {
            ready(w, routingId, id, frames, metadata, now);
        } else if (w == null) {
            // Not announced (or already removed): tell it to start over.
            send(routingId, DISCONNECT);
        } else if (java.util.Arrays.equals(command, REPLY)) {
            reply(w, frames);
        } else if (java.util.Arrays.equals(command, HEARTBEAT)) {
            // lastHeard is all it changes
        } else if (java.util.Arrays.equals(command, DISCONNECT)) {
            remove(w, "disconnected");
        } else {
            send(routingId, ERROR, ascii("BAD_FRAME: expected READY, REPLY, HEARTBEAT or DISCONNECT"));
        }
    }

    private void ready(Worker known, byte[] routingId, String id, List<byte[]> frames, Metadata metadata, long now) {
        String key = metadata == null ? null : metadata.get(Metadata.USER_ID);
        String name = key == null ? null : enrolled.get(key);
        if (name == null) {
            // Only a worker key passes the workers' ZAP domain; a key revoked since then ends here.
            send(routingId, ERROR, ascii("REVOKED: this key is not an enrolled worker"));
            send(routingId, DISCONNECT);
            return;
        }
        if (frames.size() != 2) {
            send(routingId, ERROR, ascii("BAD_FRAME: expected [READY, \"TYPE1,TYPE2\"]"));
            return;
        }
        Worker w = known;
        if (w == null) {
            w = new Worker(routingId.clone(), id, key, name, metadata.get(Metadata.PEER_ADDRESS), clock.instant(), now);
            w.stats = stats(workerStats, "worker", name);
            workers.put(id, w);
        }
        List<String> refused = new ArrayList<>();
        for (String t : new String(frames.get(1), StandardCharsets.US_ASCII).split(",")) {
            String type = t.trim();
            if (type.isEmpty() || w.types.contains(type)) {
                continue;
            }
            if (!TypeNames.isValid(type)) {
                refused.add("BAD_FRAME: type is not a token [A-Za-z0-9_.-]{1,32}: " + org.edgegateway.protocol.Frames.printable(type));
                continue;
            }
            if (!config.allowPluginTypes() && servedElsewhere.test(type)) {
                refused.add("TYPE_TAKEN: " + type + " is served by a plugin (workers.allow-plugin-types is off)");
                continue;
            }
            w.types.add(type);
            TypeQueue q = types.computeIfAbsent(type, k -> new TypeQueue());
            q.serving++;
            q.ready.addLast(w);
        }
        for (String r : refused) {
            send(routingId, ERROR, ascii(r));
        }
        send(routingId, READY, ascii(String.join(",", w.types)));
        LOG.info("workers: {} (key {}, {}) serves {}", w.name, w.key, w.peer, w.types);
        publish();
        for (String type : w.types) {
            drain(types.get(type));
        }
    }

    private void reply(Worker w, List<byte[]> frames) {
        if (frames.size() != 4 || frames.get(1).length != 8) {
            send(w.routingId, ERROR, ascii("BAD_FRAME: expected [REPLY, request-id, ACK|ERROR, DETAIL]"));
            return;
        }
        long requestId = ByteBuffer.wrap(frames.get(1)).getLong();
        Pending pending = w.inFlight.remove(requestId);
        if (pending == null) {
            // Answered already (time limit), or a request of a connection gone: dropped.
            return;
        }
        RemoteCall call = pending.call();
        long took = System.nanoTime() - pending.sentAt();
        String detail = new String(frames.get(3), StandardCharsets.UTF_8);
        HandlerResult result;
        if (java.util.Arrays.equals(frames.get(2), ACK)) {
            result = HandlerResult.ack(detail);
            w.served++;
        } else if (detail.startsWith("BAD_PAYLOAD")) {
            String rest = detail.substring("BAD_PAYLOAD".length());
            result = HandlerResult.badPayload(rest.startsWith(":") ? rest.substring(1).trim() : rest.trim());
            w.served++;
        } else {
            result = HandlerResult.failed(detail);
            w.failed++;
        }
        boolean ok = result.outcome() != HandlerResult.Outcome.HANDLER_FAILED;
        w.stats.answered(took, ok);
        pending.type().answered(took, ok);
        call.complete(result);
        credit(w);
    }

    /** A worker has credit again: back at the end of its types' queues, then serve who waits. */
    private void credit(Worker w) {
        for (String type : w.types) {
            TypeQueue q = types.get(type);
            if (q != null && !q.ready.contains(w) && w.inFlight.size() < config.maxInFlight()) {
                q.ready.addLast(w);
            }
            drain(q);
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

    /** Sends a call to the least recently used worker of its type with credit, or queues it. */
    private void place(RemoteCall call) {
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

    private boolean sendTo(TypeQueue q, RemoteCall call) {
        Worker w;
        while ((w = q.ready.peekFirst()) != null && w.inFlight.size() >= config.maxInFlight()) {
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
        byte[] requestId = ByteBuffer.allocate(8).putLong(id).array();
        if (!send(w.routingId, REQUEST, requestId, ascii(m.type()), m.payload(),
                m.clientName().getBytes(StandardCharsets.UTF_8))) {
            remove(w, "unreachable");
            return sendTo(q, call);
        }
        WorkerStats type = stats(typeStats, "type", m.type());
        w.inFlight.put(id, new Pending(call, System.nanoTime(), type));
        w.stats.send();
        type.send();
        q.ready.pollFirst();
        if (w.inFlight.size() < config.maxInFlight()) {
            q.ready.addLast(w);
        }
        return true;
    }

    private void gone(String peer) {
        for (Worker w : new ArrayList<>(workers.values())) {
            if (peer.equals(w.peer)) {
                remove(w, "connection closed");
            }
        }
    }

    /** Takes a worker out; its unanswered requests go to another worker of their type or wait. */
    private void remove(Worker w, String why) {
        if (workers.remove(w.id) == null) {
            return;
        }
        LOG.info("workers: {} ({}) removed: {}", w.name, w.peer, why);
        for (String type : w.types) {
            TypeQueue q = types.get(type);
            if (q != null) {
                q.ready.remove(w);
                q.serving--;
            }
        }
        List<Pending> orphans = new ArrayList<>(w.inFlight.values());
        w.inFlight.clear();
        for (Pending p : orphans) {
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
        publish();
    }

    private void housekeeping(long now) {
        long interval = config.heartbeatInterval().toNanos();
        for (Worker w : new ArrayList<>(workers.values())) {
            if (now - w.lastHeard > 3 * interval) {
                remove(w, "three heartbeats missed");
                continue;
            }
            if (now - w.lastSent >= interval) {
                send(w.routingId, HEARTBEAT);
            }
            // Requests answered by the router at their deadline and never by the worker give their credit back.
            for (Iterator<Pending> it = w.inFlight.values().iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (!p.call().pending() && now - p.call().deadline() > interval) {
                    it.remove();
                    w.failed++;
                    w.stats.lost();
                    p.type().lost();
                }
            }
            credit(w);
        }
        for (TypeQueue q : types.values()) {
            q.waiting.removeIf(c -> !c.pending());
        }
        publishView();
    }

    private void publish() {
        Map<String, Route> next = new HashMap<>();
        for (Map.Entry<String, TypeQueue> e : types.entrySet()) {
            if (e.getValue().serving > 0) {
                Route existing = routes.get(e.getKey());
                next.put(e.getKey(), existing != null ? existing : new Route(lane(e.getKey()), NOT_CALLED, false));
            }
        }
        if (!next.keySet().equals(routes.keySet())) {
            routes = Map.copyOf(next);
            version.incrementAndGet();
        }
        publishView();
    }

    private void publishView() {
        List<WorkerView> out = new ArrayList<>();
        for (Worker w : workers.values()) {
            out.add(new WorkerView(w.name, w.key, w.peer, List.copyOf(w.types), w.inFlight.size(), w.served, w.failed,
                    w.connectedAt, w.lastHeardAt));
        }
        out.sort(java.util.Comparator.comparing(WorkerView::name).thenComparing(WorkerView::peerAddress));
        view = List.copyOf(out);
    }

    private boolean send(byte[] routingId, byte[]... frames) {
        try {
            if (!socket.send(routingId, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return false;
            }
            for (int i = 0; i < frames.length; i++) {
                socket.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE | ZMQ.DONTWAIT : ZMQ.DONTWAIT);
            }
            Worker w = workers.get(new String(routingId, StandardCharsets.ISO_8859_1));
            if (w != null) {
                w.lastSent = System.nanoTime();
            }
            return true;
        } catch (ZMQException e) {
            return false;
        }
    }

    private static void shutdown(SocketChannel channel) {
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

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The handler of a worker route: never called, a remote lane's dispatcher takes its calls. */
    private static final MessageHandler NOT_CALLED = new MessageHandler() {
        @Override
        public Set<String> types() {
            return Set.of();
        }

        @Override
        public HandlerResult handle(HandlerMessage message) {
            throw new IllegalStateException("a worker type's calls go to its workers");
        }
    };

    /**
     * Stops taking calls and closes the lanes. The socket is closed by the router when its loop ends
     * ({@link #detached}), or here when the hub was never attached.
     */
    @Override
    public void close() {
        running = false;
        if (!attached && socket != null) {
            detached();
        }
        for (Lane l : lanes.values()) {
            l.close("the gateway is stopping");
        }
    }
}
