package org.edgegateway.core.workers;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.router.Doorbell;
import org.edgegateway.core.router.Lane;
import org.edgegateway.core.router.RemoteCall;
import org.edgegateway.core.router.Route;
import org.edgegateway.core.router.RouterAttachment;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.WorkerRecord;
import org.edgegateway.protocol.Frames;
import org.edgegateway.protocol.TypeNames;
import org.edgegateway.protocol.WorkerBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;
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
 * ({@code workers.max-in-flight}; a batched one: a window that adapts up to {@code
 * workers.batched-max-in-flight}, see {@link WorkerDispatch}); none has credit: it waits (its lane's
 * bytes bound the wait). A worker that dies (three heartbeats missed), disconnects or is revoked
 * hands its requests still unanswered to another worker of the type, or back to the wait. The router's deadline and one
 * compare-and-set per call decide between a worker's reply and the time limit, so a late reply of a
 * dead worker is dropped and a client never gets two answers.
 *
 * <p>A worker that announces {@code [READY, types, "batch"]} is batched: its requests leave packed,
 * many to a {@code [BATCH, packed]} message ({@link org.edgegateway.protocol.WorkerBatch}), one per
 * worker per turn of the hub (flushed at the start of a turn, which follows the router's read of the
 * sensors' messages, and at its end, after the workers' replies gave credit back), and its replies come
 * packed the same way. What a sensor's message through a batched worker costs the router thread: two
 * frames out and two in per batch, not per request; per request, an 8-byte id, a map entry, the packed
 * bytes and its reply's record. The replies, classic and
 * batched, and what a bad frame of a worker costs it, are {@link WorkerReplies}'.
 *
 * <p>The hub reads the workers' commands and composes the parts, each with its owner:
 * <ul>
 * <li>router thread only: the socket once bound ({@link WorkerSocket}), the connected workers
 * ({@link WorkerRegistry}, {@link ConnectedWorker}: liveness, requests held) and the dispatch per type
 * ({@link WorkerDispatch}: credit, least recently used, the wait);</li>
 * <li>written on the router thread, read by any: the routes and their lanes ({@link WorkerRoutes}), the
 * last {@link #workers() view}, the totals ({@link WorkerStatsBook});</li>
 * <li>from other threads to the router thread, through {@code later} (a queue, then the router's
 * {@link Doorbell}): {@link #cut}, a fresh view, and the peers whose connection JeroMQ's I/O thread
 * saw close. The enrolled keys ({@link WorkerKeySet}) are replaced whole by any thread and read by the
 * ZAP thread and the router thread.</li>
 * </ul>
 */
public final class WorkerHub implements HandlerLookup, RouterAttachment, AutoCloseable {
    /** The ZAP domain of the workers' ROUTER: the ZAP handler admits worker keys only there. */
    public static final String DOMAIN = "edge-gateway-workers";
    private static final Logger LOG = LoggerFactory.getLogger(WorkerHub.class);

    private final ZContext context;
    private final CurveKeyPair serverKeys;
    private final WorkerConfig config;
    private final long maxFrameBytes;
    private final WorkerKeySet enrolled = new WorkerKeySet();
    private final Predicate<String> servedElsewhere;
    private final Clock clock;
    private volatile Doorbell bell;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final WorkerRoutes routes;
    private final WorkerStatsBook stats = new WorkerStatsBook();
    private volatile List<WorkerView> view = List.of();
    private volatile boolean running = true;
    private volatile boolean attached;
    private volatile boolean detached;
    /** The router thread of the last turn. */
    private volatile Thread loopThread;
    private volatile String boundEndpoint;

    // Owned by the router thread (the socket from attached() on; it is bound by start()).
    private final WorkerRegistry workers = new WorkerRegistry();
    private final WorkerDispatch dispatch;
    private final WorkerReplies replies;
    private WorkerSocket socket;
    private long nextHousekeeping;

    /**
     * @param enrolledKeys    the enrolled worker keys (revoked ones are ignored); see {@link #enrolled(List)}
     * @param servedElsewhere whether a type is already served by a plugin (then a worker cannot have it
     *                        unless {@link WorkerConfig#allowPluginTypes()})
     * @param maxMessageSize  the largest payload a client may send ({@code gateway.max-message-size}): a
     *                        worker's frames may be as large as that or a BATCH frame, not larger
     */
    public WorkerHub(ZContext context, CurveKeyPair serverKeys, WorkerConfig config, List<WorkerRecord> enrolledKeys,
                     Predicate<String> servedElsewhere, long maxMessageSize, Clock clock) {
        this.context = context;
        this.serverKeys = serverKeys;
        this.config = config;
        this.maxFrameBytes = maxFrameBytes(maxMessageSize);
        enrolled(enrolledKeys);
        this.servedElsewhere = servedElsewhere;
        this.clock = clock;
        this.routes = new WorkerRoutes(config, this::dispatch);
        this.dispatch = new WorkerDispatch(config.maxInFlight(), config.batchedMaxInFlight(),
                config.timeout().toNanos(), stats, new WorkerDispatch.Link() {
            @Override
            public boolean send(ConnectedWorker w, byte[][] frames) {
                return WorkerHub.this.send(w.routingId, frames);
            }

            @Override
            public void unreachable(ConnectedWorker w) {
                remove(w, "unreachable");
            }
        });
        this.replies = new WorkerReplies(dispatch, (w, frames) -> send(w.routingId, frames));
    }

    /**
     * The largest frame a worker may send: a BATCH frame of replies ({@link WorkerBatch#MAX_FRAME_BYTES}),
     * or one reply whose detail is as large as the sensors' own limit on a message, with room for its
     * framing. A larger frame is a protocol error: JeroMQ closes the worker's connection.
     */
    static long maxFrameBytes(long maxMessageSize) {
        return Math.min(Integer.MAX_VALUE, Math.max(WorkerBatch.MAX_FRAME_BYTES, 2 * maxMessageSize) + 4096);
    }

    /**
     * Binds the workers' ROUTER (the ZAP handler must be bound already); then hand the hub to the
     * router ({@link org.edgegateway.core.router.Router#attach}), whose loop serves it from then on.
     */
    public String start() {
        socket = new WorkerSocket(context, serverKeys, config.endpoint(), DOMAIN, maxFrameBytes,
                peer -> later(() -> gone(peer)));
        boundEndpoint = socket.boundEndpoint();
        LOG.info("workers: listening on {}", boundEndpoint);
        return boundEndpoint;
    }

    // ---- RouterAttachment: the router thread --------------------------------------------------------

    @Override
    public void attached(Doorbell routerBell) {
        routerBell.watch(socket.descriptor());
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
        // What the router dispatched since the last turn (the sensors' messages it just read) leaves now.
        dispatch.flush();
        int n = 0;
        while (n++ < 1000 && socket.readable()) {
            receive();
        }
        if (now - nextHousekeeping >= 0) {
            housekeeping(now);
            nextHousekeeping = now + config.heartbeatInterval().toNanos() / 2;
        }
        // What the replies' credit sent on: one frame per batched worker for the whole turn.
        dispatch.flush();
        return nextHousekeeping;
    }

    @Override
    public boolean workWaiting() {
        // The descriptor is edge-triggered, and a send can consume the signal of a message already
        // queued: the socket itself says whether one waits.
        return !detached && (!commands.isEmpty() || dispatch.unflushed() || socket.readable());
    }

    @Override
    public void detached() {
        if (detached) {
            return;
        }
        detached = true;
        for (ConnectedWorker w : workers.all()) {
            send(w.routingId, WorkerFrames.DISCONNECT);
        }
        socket.close();
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
        enrolled.replace(records);
    }

    /** The ZAP look-up of the workers' domain: active worker keys only. */
    public KeyCache.Entry lookupKey(String publicKeyZ85) {
        return enrolled.entry(publicKeyZ85);
    }

    // ---- HandlerLookup: the routes of the types some worker serves now ------------------------------

    @Override
    public Route route(String type) {
        return routes.route(type);
    }

    @Override
    public Set<String> types() {
        return routes.types();
    }

    @Override
    public long version() {
        return routes.version();
    }

    /**
     * Tells {@code listener} of every worker name and type with totals, now and whenever a new one
     * appears (then on the router thread; must not block). For metrics.
     */
    public void onStats(Consumer<WorkerStats> listener) {
        stats.onStats(listener);
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
        } catch (ExecutionException | TimeoutException e) {
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
            for (ConnectedWorker w : workers.all()) {
                if (w.key.equals(publicKey)) {
                    send(w.routingId, WorkerFrames.DISCONNECT);
                    remove(w, "revoked");
                    socket.shutdown(w.peer);
                    n++;
                }
            }
            done.complete(n);
        });
        return done;
    }

    // ---- the router thread ---------------------------------------------------------------------------

    /** {@link Lane.Dispatcher} of every worker type's lane: called on the router thread, as the hub's turns are. */
    private boolean dispatch(RemoteCall call) {
        if (!running || detached) {
            return false;
        }
        dispatch.place(call);
        return true;
    }

    private void receive() {
        WorkerSocket.Inbound in = socket.receive();
        if (in == null) {
            return;
        }
        String id = in.id();
        ConnectedWorker w = workers.get(id);
        long now = System.nanoTime();
        if (w != null) {
            w.heard(now, clock.instant());
        }
        if (in.frames().isEmpty()) {
            return;
        }
        WorkerFrames.Command command = WorkerFrames.command(in.frames().get(0));
        if (command == WorkerFrames.Command.READY) {
            ready(w, in, id, now);
        } else if (w == null) {
            // Not announced (or already removed): tell it to start over.
            send(in.routingId(), WorkerFrames.DISCONNECT);
        } else if (command == WorkerFrames.Command.REPLY) {
            replies.reply(w, in.frames());
        } else if (command == WorkerFrames.Command.BATCH) {
            replies.batch(w, in.frames());
        } else if (command == WorkerFrames.Command.HEARTBEAT) {
            // lastHeard is all it changes
        } else if (command == WorkerFrames.Command.DISCONNECT) {
            remove(w, "disconnected");
        } else {
            send(in.routingId(), WorkerFrames.error(WorkerFrames.BAD_COMMAND));
        }
    }

    private void ready(ConnectedWorker known, WorkerSocket.Inbound in, String id, long now) {
        Metadata metadata = in.metadata();
        byte[] routingId = in.routingId();
        String key = metadata == null ? null : metadata.get(Metadata.USER_ID);
        String name = enrolled.name(key);
        if (name == null) {
            // Only a worker key passes the workers' ZAP domain; a key revoked since then ends here.
            send(routingId, WorkerFrames.error(WorkerFrames.NOT_A_WORKER));
            send(routingId, WorkerFrames.DISCONNECT);
            return;
        }
        WorkerFrames.Mode mode = WorkerFrames.mode(in.frames());
        if (mode == WorkerFrames.Mode.BAD) {
            send(routingId, WorkerFrames.error(WorkerFrames.BAD_READY));
            return;
        }
        boolean batched = mode == WorkerFrames.Mode.BATCH;
        if (known != null && known.batched() != batched) {
            send(routingId, WorkerFrames.error(WorkerFrames.MODE_CHANGED));
            return;
        }
        ConnectedWorker w = known;
        if (w == null) {
            w = new ConnectedWorker(routingId.clone(), id, key, name, metadata.get(Metadata.PEER_ADDRESS),
                    clock.instant(), now, stats.worker(name), batched);
            workers.add(w);
        }
        List<String> refused = new ArrayList<>();
        for (String type : WorkerFrames.announced(in.frames().get(1))) {
            if (w.types.contains(type)) {
                continue;
            }
            if (!TypeNames.isValid(type)) {
                refused.add("BAD_FRAME: type is not a token [A-Za-z0-9_.-]{1,32}: " + Frames.printable(type));
                continue;
            }
            if (!config.allowPluginTypes() && servedElsewhere.test(type)) {
                refused.add("TYPE_TAKEN: " + type + " is served by a plugin (workers.allow-plugin-types is off)");
                continue;
            }
            w.types.add(type);
            dispatch.serve(w, type);
        }
        for (String r : refused) {
            send(routingId, WorkerFrames.error(r));
        }
        send(routingId, WorkerFrames.given(w.types, batched));
        LOG.info("workers: {} (key {}, {}) serves {}{}", w.name, w.key, w.peer, w.types, batched ? ", batched" : "");
        publish();
        for (String type : w.types) {
            dispatch.drain(type);
        }
    }

    private void gone(String peer) {
        for (ConnectedWorker w : workers.all()) {
            if (peer.equals(w.peer)) {
                remove(w, "connection closed");
            }
        }
    }

    /** Takes a worker out; its unanswered requests go to another worker of their type or wait. */
    private void remove(ConnectedWorker w, String why) {
        if (!workers.remove(w)) {
            return;
        }
        LOG.info("workers: {} ({}) removed: {}", w.name, w.peer, why);
        dispatch.withdraw(w);
        publish();
    }

    private void housekeeping(long now) {
        long interval = config.heartbeatInterval().toNanos();
        for (ConnectedWorker w : workers.all()) {
            if (w.dead(now, interval)) {
                remove(w, "three heartbeats missed");
                continue;
            }
            if (now - w.lastSent >= interval) {
                send(w.routingId, WorkerFrames.HEARTBEAT);
            }
            // Requests answered by the router at their deadline and never by the worker give their credit back.
            ConnectedWorker.Pending dropped = w.dropUnanswered(now, interval);
            if (dropped != null) {
                dispatch.slow(w, dropped.sentAt(), now);
            }
            dispatch.credit(w);
        }
        dispatch.dropAnswered();
        publishView();
    }

    private void publish() {
        routes.publish(dispatch.served());
        publishView();
    }

    private void publishView() {
        view = workers.views();
    }

    private boolean send(byte[] routingId, byte[]... frames) {
        if (!socket.send(routingId, frames)) {
            return false;
        }
        workers.sent(routingId, System.nanoTime());
        return true;
    }

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
        routes.close("the gateway is stopping");
    }
}
