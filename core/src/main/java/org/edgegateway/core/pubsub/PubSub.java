package org.edgegateway.core.pubsub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.health.Health;
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
import zmq.ZError;
import zmq.io.Metadata;

/**
 * The topic publisher: owns a CURVE XPUB socket on its own thread, {@code egw-pubsub}, and nothing
 * else touches that socket. Thread-safe: {@link #publish}, {@link #subscriptions()} and
 * {@link #stats()} may be called from any thread; publications reach the socket through a bounded
 * command queue and a wake-up pipe that the thread polls beside the XPUB.
 *
 * <h2>Security</h2>
 * The XPUB is a CURVE server in the ZAP domain {@code edge-gateway}, in the same ZeroMQ context as
 * the gateway's ROUTER, so the gateway's ZAP handler (bound on {@code inproc://zeromq.zap.01} in that
 * context) decides every subscriber's handshake with the same key cache, bans and quarantine: only
 * enrolled, active keys subscribe. The ZAP handler must be bound before {@link #start} is called,
 * because JeroMQ's CURVE server admits everyone when no handler answers. Revoking or quarantining a
 * key cuts its subscriber connections within this thread's next turn (at most 200 ms, at once when
 * the admin service calls {@link #keysChanged()}): {@link Subscribers} tells which connections may
 * belong to the key, since no subscription message names it.
 *
 * <h2>Messages</h2>
 * Each publication is two frames, {@code [TOPIC, PAYLOAD]}; subscribers filter by topic prefix as in
 * ZeroMQ PUB/SUB (a SUB socket's {@code subscribe(prefix)}). The XPUB is verbose, so every
 * subscribe request reaches this thread, which answers it with the latest value of each cached topic
 * the prefix matches (the last-value cache; it solves PUB/SUB's slow-joiner problem). ZeroMQ's XPUB
 * cannot address one subscriber, so subscribers already on a matching prefix receive that latest
 * value again: last values are state, and a repeat carries no new information.
 *
 * <h2>High-water marks</h2>
 * Each subscriber has {@code pubsub.send-hwm} messages of room. A message is offered first without
 * dropping; when some matching subscriber is full it is counted in {@link PubSubStats#hwmDrops()} and
 * then delivered to those with room (ZeroMQ's usual PUB behaviour), so one slow subscriber never
 * stalls the others.
 *
 * <h2>Who subscribes to what</h2>
 * Subscribe and unsubscribe requests are tracked per prefix from the XPUB's messages. The
 * subscriber's enrolled name is taken from the {@code User-Id} metadata of the subscription message
 * when the transport supplies it; JeroMQ 0.6.0's XPUB rebuilds subscription messages without their
 * metadata, so with it the names stay unknown and only prefixes, request counts and the number of
 * subscriber connections are shown. ZeroMQ reports an unsubscription when the last subscriber of a
 * prefix leaves (explicitly or by disconnecting), which removes the prefix from the list.
 */
public final class PubSub implements AutoCloseable {
    /** The ZAP domain shared with the gateway's ROUTER. */
    public static final String ZAP_DOMAIN = "edge-gateway-pubsub";
    private static final Logger LOG = LoggerFactory.getLogger(PubSub.class);

    private final ZContext context;
    private final CurveKeyPair serverKeys;
    private final PubSubConfig config;
    private final KeyCache keys;
    private final Clock clock;
    private final Health health;
    private final Subscribers tracking;
    private final Queue<byte[][]> commands = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final org.edgegateway.core.WakeUp wake;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong hwmDrops = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong welcomes = new AtomicLong();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final AtomicInteger cachedTopics = new AtomicInteger();
    private volatile boolean running = true;
    private volatile List<SubscriptionView> subscriptionSnapshot = List.of();
    private volatile String boundEndpoint;

    // Owned by egw-pubsub.
    private final LinkedHashMap<String, byte[]> lastValues = new LinkedHashMap<>(64, 0.75f, false);
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    private ZMQ.Socket socket;
    private Thread thread;

    /** What the publisher knows of one subscribed prefix. Owned by egw-pubsub. */
    private static final class Tracked {
        final Instant since;
        final TreeSet<String> clients = new TreeSet<>();
        int subscribes;

        Tracked(Instant since) {
            this.since = since;
        }
    }

    private PubSub(ZContext context, CurveKeyPair serverKeys, PubSubConfig config, KeyCache keys, Clock clock,
                   Health health, Subscribers tracking) {
        this.context = context;
        this.health = health;
        this.tracking = tracking;
        this.serverKeys = serverKeys;
        this.config = config;
        this.keys = keys;
        this.clock = clock;
        this.wake = new org.edgegateway.core.WakeUp("pubsub");
    }

    /**
     * Binds the XPUB in {@code context} (whose ZAP handler must already be bound) and starts its
     * thread; fails with an {@link IllegalStateException} naming the endpoint, leaving nothing running.
     *
     * @param keys the gateway's key cache, to name subscribers
     */
    public static PubSub start(ZContext context, CurveKeyPair serverKeys, PubSubConfig config, KeyCache keys,
                               Clock clock) {
        return start(context, serverKeys, config, keys, clock, new Health(clock),
                new Subscribers(keys, clock, host -> { }));
    }

    /**
     * As above, reporting to {@code health} (up once bound, and a death when the publisher's thread
     * ends by a failure while the gateway runs), and cutting subscribers whose key is no longer
     * allowed as {@code tracking} finds them; the ZAP listener must feed {@code tracking} the
     * admissions and refusals of {@link #ZAP_DOMAIN} from before this call.
     */
    public static PubSub start(ZContext context, CurveKeyPair serverKeys, PubSubConfig config, KeyCache keys,
                               Clock clock, Health health, Subscribers tracking) {
        PubSub p = new PubSub(context, serverKeys, config, keys, clock, health, tracking);
        p.bind();
        health.up(Health.PUBLISHER);
        return p;
    }

    private void bind() {
        ZMQ.Socket s = context.createSocket(SocketType.XPUB);
        try {
            s.setCurveServer(true);
            s.setCurveSecretKey(serverKeys.secretKey());
            s.setZAPDomain(ZAP_DOMAIN);
            s.setLinger(0);
            s.setSndHWM(config.sendHwm());
            s.setRcvHWM(1000);
            // Subscribers send only subscriptions (a flag byte and a prefix) and the CURVE handshake.
            s.setMaxMsgSize(8192);
            s.setXpubVerbose(true);
            s.setXpubNoDrop(true);
            s.setHeartbeatIvl((int) config.heartbeatInterval().toMillis());
            s.setHeartbeatTimeout((int) config.heartbeatTimeout().toMillis());
            s.setHeartbeatTtl((int) Math.min(6_553_500, config.heartbeatTimeout().toMillis()));
            s.setHandshakeIvl(10_000);
            s.setEventHook(this::onSocketEvent, ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
            s.bind(config.endpoint());
        } catch (RuntimeException e) {
            s.close();
            closeWake();
            throw new IllegalStateException("pubsub: cannot bind " + config.endpoint() + ": " + e.getMessage(), e);
        }
        socket = s;
        boundEndpoint = s.getLastEndpoint();
        thread = new Thread(this::loop, "egw-pubsub");
        thread.setDaemon(true);
        thread.start();
        LOG.info("pubsub: publishing on {}", boundEndpoint);
    }

    /** The endpoint the XPUB is bound to, with the real port. */
    public String boundEndpoint() {
        return boundEndpoint;
    }

    /**
     * Publishes {@code payload} on {@code topic}, soon, and keeps it as the topic's latest value.
     * Thread-safe; never blocks.
     *
     * @return false when the publisher's queue is full or it is stopped (counted as refused)
     * @throws IllegalArgumentException when the topic is empty or longer than 255 UTF-8 bytes, or
     *                                  the payload is above {@code pubsub.max-payload}
     */
    public boolean publish(String topic, byte[] payload) {
        byte[] t = checkTopic(topic);
        if (payload == null) {
            throw new IllegalArgumentException("pubsub: payload of topic " + topic + " is null");
        }
        if (payload.length > config.maxPayload()) {
            throw new IllegalArgumentException("pubsub: payload of " + payload.length + " bytes on topic " + topic
                    + " is above pubsub.max-payload " + config.maxPayload());
        }
        if (!running || queued.incrementAndGet() > config.queue()) {
            if (running) {
                queued.decrementAndGet();
            }
            refused.incrementAndGet();
            return false;
        }
        commands.offer(new byte[][] {t, payload.clone()});
        wakeUp();
        return true;
    }

    static byte[] checkTopic(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("pubsub: topic is empty");
        }
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        if (t.length > PubSubConfig.MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("pubsub: topic of " + t.length + " bytes is longer than "
                    + PubSubConfig.MAX_TOPIC_BYTES + ": " + topic.substring(0, 32) + "...");
        }
        return t;
    }

    /** The subscribed prefixes, as of the last subscription change, sorted by prefix. */
    public List<SubscriptionView> subscriptions() {
        return subscriptionSnapshot;
    }

    public PubSubStats stats() {
        return new PubSubStats(published.get(), hwmDrops.get(), refused.get(), welcomes.get(),
                Math.max(0, subscribers.get()), cachedTopics.get());
    }

    private void wakeUp() {
        try {
            wake.signal();
        } catch (IOException e) {
            LOG.debug("pubsub: wake-up failed: {}", e.toString());
        }
    }

    /**
     * Wakes the publisher's thread so that it checks its subscribers' keys now rather than at its
     * next turn (within 200 ms); for the admin service after a revocation or quarantine. Thread-safe.
     */
    public void keysChanged() {
        wakeUp();
    }

    /** Called on the transport's I/O thread: counts and queues only. */
    private void onSocketEvent(ZEvent event) {
        ZMonitor.Event type = event.getEvent();
        if (type == ZMonitor.Event.ACCEPTED) {
            subscribers.incrementAndGet();
            if (event.getValue() instanceof java.nio.channels.SocketChannel channel) {
                tracking.accepted(channel);
            }
        } else if (type == ZMonitor.Event.DISCONNECTED) {
            subscribers.decrementAndGet();
            if (event.getValue() instanceof java.nio.channels.SocketChannel channel) {
                tracking.disconnected(channel);
            }
        }
    }

    private void loop() {
        Throwable failure = null;
        ZMQ.Poller poller = context.createPoller(2);
        poller.register(socket, ZMQ.Poller.POLLIN);
        poller.register(wake.channel(), ZMQ.Poller.POLLIN);
        try {
            while (running) {
                // Readiness is edge-triggered in ZeroMQ: ask the socket before sleeping.
                if ((socket.getEvents() & ZMQ.Poller.POLLIN) == 0 && commands.isEmpty()) {
                    try {
                        poller.poll(200);
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
                tracking.apply();
                receiveSubscriptions();
                runCommands();
            }
        } catch (Throwable e) {
            if (running) {
                failure = e;
                try {
                    LOG.error("pubsub: loop failed", e);
                } catch (Throwable ignored) {
                    // The death is reported below all the same.
                }
            }
        } finally {
            poller.close();
            try {
                socket.close();
            } catch (RuntimeException e) {
                LOG.debug("pubsub: close failed", e);
            }
            stopped.countDown();
            if (failure != null) {
                health.died(Health.PUBLISHER, failure);
            }
        }
    }

    private void drainWake() {
        try {
            wake.clear();
        } catch (IOException e) {
            LOG.debug("pubsub: wake-up drain failed: {}", e.toString());
        }
    }

    private void runCommands() {
        byte[][] c;
        int n = 0;
        while (n++ < 10_000 && (c = commands.poll()) != null) {
            queued.decrementAndGet();
            try {
                remember(c[0], c[1]);
                send(c[0], c[1]);
            } catch (ZMQException e) {
                if (e.getErrorCode() == ZError.ETERM) {
                    running = false;
                    return;
                }
                LOG.warn("pubsub: publishing failed: {}", e.getMessage());
            }
        }
    }

    private void remember(byte[] topic, byte[] payload) {
        if (config.maxTopics() == 0) {
            return;
        }
        String key = new String(topic, StandardCharsets.UTF_8);
        lastValues.remove(key);
        lastValues.put(key, payload);
        if (lastValues.size() > config.maxTopics()) {
            Iterator<String> eldest = lastValues.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        cachedTopics.set(lastValues.size());
    }

    /** Offers without dropping first, so that a full subscriber is seen and counted; then sends lossy. */
    private void send(byte[] topic, byte[] payload) {
        if (!socket.send(topic, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
            hwmDrops.incrementAndGet();
            socket.setXpubNoDrop(false);
            try {
                socket.send(topic, ZMQ.SNDMORE | ZMQ.DONTWAIT);
                socket.send(payload, ZMQ.DONTWAIT);
            } finally {
                socket.setXpubNoDrop(true);
            }
        } else {
            socket.send(payload, ZMQ.DONTWAIT);
        }
        published.incrementAndGet();
    }

    private void receiveSubscriptions() {
        boolean changed = false;
        for (int i = 0; i < 1000; i++) {
            Msg msg = socket.recvMsg(ZMQ.DONTWAIT);
            if (msg == null) {
                break;
            }
            byte[] data = msg.data();
            boolean more = msg.hasMore();
            while (more) {
                // Not a subscription (an XSUB may send data upstream): discarded.
                Msg rest = socket.recvMsg(ZMQ.DONTWAIT);
                more = rest != null && rest.hasMore();
            }
            if (data.length == 0 || data[0] > 1) {
                continue;
            }
            String prefix = new String(data, 1, data.length - 1, StandardCharsets.UTF_8);
            if (data[0] == 1) {
                onSubscribe(prefix, data, subscriberName(msg.getMetadata()));
            } else {
                tracked.remove(prefix);
                LOG.debug("pubsub: no subscriber left on '{}'", prefix);
            }
            changed = true;
        }
        if (changed) {
            publishSnapshot();
        }
    }

    private String subscriberName(Metadata metadata) {
        String userId = metadata == null ? null : metadata.get(Metadata.USER_ID);
        if (userId == null || userId.isEmpty()) {
            return null;
        }
        KeyCache.Entry e = keys.lookup(userId);
        return e == null ? null : e.name();
    }

    private void onSubscribe(String prefix, byte[] data, String name) {
        Tracked t = tracked.computeIfAbsent(prefix, p -> new Tracked(clock.instant()));
        t.subscribes++;
        if (name != null) {
            t.clients.add(name);
        }
        LOG.debug("pubsub: subscription to '{}' by {}", prefix, name == null ? "a subscriber" : name);
        welcome(data);
    }

    /** Sends the latest value of every cached topic that starts with the subscribed prefix. */
    private void welcome(byte[] subscription) {
        int prefixLength = subscription.length - 1;
        List<Map.Entry<String, byte[]>> matching = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : lastValues.entrySet()) {
            byte[] topic = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (startsWith(topic, subscription, prefixLength)) {
                matching.add(e);
            }
        }
        for (Map.Entry<String, byte[]> e : matching) {
            send(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue());
            welcomes.incrementAndGet();
        }
    }

    private static boolean startsWith(byte[] topic, byte[] subscription, int prefixLength) {
        if (topic.length < prefixLength) {
            return false;
        }
        for (int i = 0; i < prefixLength; i++) {
            if (topic[i] != subscription[i + 1]) {
                return false;
            }
        }
        return true;
    }

    private void publishSnapshot() {
        List<SubscriptionView> views = new ArrayList<>(tracked.size());
        for (Map.Entry<String, Tracked> e : tracked.entrySet()) {
            Tracked t = e.getValue();
            views.add(new SubscriptionView(e.getKey(), t.subscribes, new ArrayList<>(t.clients), t.since));
        }
        views.sort(Comparator.comparing(SubscriptionView::prefix));
        subscriptionSnapshot = List.copyOf(views);
    }

    /**
     * Stops publishing now: the thread closes the XPUB at its next turn (its bind goes away, the
     * subscribers are dropped) without waiting here. For a gateway that must not go on serving (its
     * ZAP handler died). Thread-safe; {@link #close()} may follow.
     */
    public void halt() {
        running = false;
        wakeUp();
    }

    /** Stops the thread, which closes the socket; call before the context is closed. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        wakeUp();
        try {
            if (thread != null && !stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("pubsub: publisher thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeWake();
        LOG.info("pubsub: stopped after {} messages ({} missed by a full subscriber)", published.get(), hwmDrops.get());
    }

    private void closeWake() {
        try {
            wake.close();
        } catch (IOException e) {
            LOG.debug("pubsub: closing the wake-up pipe failed", e);
        }
    }
}
