package org.edgegateway.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.edgegateway.protocol.Frames;
import org.edgegateway.protocol.Push;
import org.edgegateway.protocol.Reply;
import org.edgegateway.protocol.TypeNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * A sensor's connection to an Edge Gateway. Thread-safe: any number of threads may send at once.
 *
 * <h2>Threads</h2>
 * One internal thread, {@code egw-client-NAME}, owns the ZeroMQ DEALER socket; no other thread ever
 * touches it (ZeroMQ sockets are not thread-safe). {@link #send}, {@link #sendAsync} and
 * {@link #ping} only put a command on a lock-free queue and wake that thread through a pipe it polls
 * next to the socket. A second thread, {@code egw-client-NAME-callbacks}, completes the returned
 * futures and calls the push listeners, so that code you attach to a future or a listener never
 * runs on the socket's thread and cannot stall it; a slow listener delays later callbacks only.
 *
 * <h2>Security</h2>
 * The connection is CURVE-encrypted with the gateway's public key from the bundle pinned: a gateway
 * that cannot prove it holds the matching secret key fails the handshake, and requests then fail
 * with {@link GatewayClientException.Kind#HANDSHAKE_FAILED} saying that the server key may be wrong.
 *
 * <h2>Delivery</h2>
 * Each request carries a correlation id that is also its message id: a random per-client prefix and
 * a counter, unique per message. Requests are pipelined; replies are matched by that id. A request
 * with no reply within its attempt timeout is resent with the same id ({@link RetryPolicy}), and so
 * are requests in flight when the connection comes back after a loss; the gateway keeps a
 * de-duplication window per client and id, answers a resent request with the first result, and
 * records it once. The request timeout bounds the whole exchange. ZeroMQ reconnects by itself with
 * exponential backoff ({@code reconnectInterval} doubling up to {@code reconnectIntervalMax}, with
 * jitter) and ZMTP heartbeats detect a dead link.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * try (GatewayClient client = GatewayClient.builder()
 *         .bundle(Path.of("/etc/sensor/bundle"))     // NAME.key_secret + server.key
 *         .requestTimeout(Duration.ofSeconds(10))
 *         .build()) {
 *     client.onPush(push -> log.info("{} {}", push.type(), new String(push.payload(), UTF_8)));
 *     Reply ack = client.send("telemetry", "{\"t\":21.5}".getBytes(UTF_8));   // blocks
 *     client.sendAsync("telemetry", payload).thenAccept(reply -> ...);       // pipelined
 * }
 * }</pre>
 */
public final class GatewayClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayClient.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Length of the correlation ids this client makes: 8 random bytes and an 8-byte counter. */
    static final int ID_LENGTH = 16;

    private final ClientConfig config;
    private final ClientLoop loop;
    private final Thread loopThread;
    private final ExecutorService callbacks;
    private final List<Consumer<Push>> pushListeners = new CopyOnWriteArrayList<>();
    private final long idPrefix = RANDOM.nextLong();
    private final AtomicLong idCounter = new AtomicLong();

    private GatewayClient(ClientConfig config, ZContext sharedContext, List<Consumer<Push>> listeners) {
        this.config = config;
        this.pushListeners.addAll(listeners);
        String name = config.bundle().name();
        this.callbacks = Executors.newSingleThreadExecutor(r -> daemon(r, "egw-client-" + name + "-callbacks"));
        ZContext context = sharedContext == null ? new ZContext(1) : sharedContext;
        this.loop = new ClientLoop(config, context, sharedContext == null, callbacks, this::deliver);
        this.loopThread = daemon(loop, "egw-client-" + name);
        loopThread.start();
        try {
            loop.awaitStarted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new GatewayClientException(GatewayClientException.Kind.INTERRUPTED,
                    "interrupted while gateway client " + name + " was starting");
        } catch (IllegalStateException e) {
            callbacks.shutdown();
            throw e;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bundle's client name. */
    public String name() {
        return config.bundle().name();
    }

    /** The endpoint this client connects to. */
    public String endpoint() {
        return config.endpoint();
    }

    /** True once the gateway answered on the current connection (so the CURVE handshake is done), until it is lost. */
    public boolean isConnected() {
        return loop.link().alive();
    }

    /** Requests sent and not yet answered, failed or timed out. */
    public int inFlight() {
        return loop.inFlight();
    }

    /**
     * Sends one message and waits for the gateway's answer.
     *
     * @return the {@code ACK} reply
     * @throws GatewayClientException with {@link GatewayClientException.Kind#ERROR_REPLY} and the
     *         {@link GatewayClientException#errorCode()} when the gateway answers {@code ERROR}, or
     *         another kind when no answer came
     */
    public Reply send(String type, byte[] payload) {
        return await(sendAsync(type, payload), config.requestTimeout(), true);
    }

    /**
     * Sends one message without waiting. The future completes with the gateway's reply, {@code ACK}
     * or {@code ERROR} alike (an error reply is an answer: look at {@link Reply#code()}), or
     * exceptionally with a {@link GatewayClientException} when no answer came within the request
     * timeout, the client is closed, or {@code maxInFlight} requests are already waiting.
     */
    public CompletableFuture<Reply> sendAsync(String type, byte[] payload) {
        return sendAsync(type, payload, config.requestTimeout());
    }

    /** {@link #sendAsync(String, byte[])} with its own timeout. */
    public CompletableFuture<Reply> sendAsync(String type, byte[] payload, Duration timeout) {
        return sendAsync(nextMessageId(), type, payload, timeout);
    }

    /**
     * {@link #sendAsync(String, byte[])} under a message id of your choosing (1 to
     * {@value Frames#MAX_CORRELATION_ID} bytes), to resend a message across restarts of the sensor
     * without the gateway recording it twice. Ids must be unique per message; see
     * {@link #nextMessageId()}.
     */
    public CompletableFuture<Reply> sendAsync(byte[] messageId, String type, byte[] payload, Duration timeout) {
        TypeNames.requireValid(type);
        Objects.requireNonNull(payload, "payload");
        checkId(messageId);
        ClientLoop.Pending pending = ClientLoop.Pending.request(messageId, type, payload, timeoutNanos(timeout));
        loop.submit(pending);
        return pending.future;
    }

    /** Sends {@code PING} and waits for {@code PONG}; returns the round trip. */
    public Duration ping() {
        long start = System.nanoTime();
        await(pingAsync(config.requestTimeout()), config.requestTimeout(), false);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Sends {@code PING}; the future completes with the {@code PONG} reply. */
    public CompletableFuture<Reply> pingAsync(Duration timeout) {
        ClientLoop.Pending pending = ClientLoop.Pending.ping(nextMessageId(), timeoutNanos(timeout));
        loop.submit(pending);
        return pending.future;
    }

    /**
     * Adds a listener for messages the gateway pushes to this client. Listeners run one at a time on
     * the callback thread; an exception from one is logged and does not stop the others.
     */
    public void onPush(Consumer<Push> listener) {
        pushListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A fresh message id: this client's random 8-byte prefix and a counter. */
    public byte[] nextMessageId() {
        return ByteBuffer.allocate(ID_LENGTH).putLong(idPrefix).putLong(idCounter.incrementAndGet()).array();
    }

    /**
     * Stops the socket thread, fails requests still waiting with
     * {@link GatewayClientException.Kind#CLOSED}, and releases the socket. Idempotent.
     */
    @Override
    public void close() {
        loop.close();
        try {
            loopThread.join(TimeUnit.SECONDS.toMillis(10));
            if (loopThread.isAlive()) {
                LOG.warn("gateway client {}: the socket thread did not stop within 10 s", name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        callbacks.shutdown();
    }

    private void deliver(Push push) {
        for (Consumer<Push> listener : pushListeners) {
            try {
                listener.accept(push);
            } catch (RuntimeException e) {
                LOG.warn("gateway client {}: push listener failed on a {} message", name(), push.type(), e);
            }
        }
    }

    private Reply await(CompletableFuture<Reply> future, Duration timeout, boolean throwOnError) {
        Reply reply;
        try {
            // The loop enforces the timeout; the margin here only guards against a stopped loop.
            reply = future.get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayClientException(GatewayClientException.Kind.INTERRUPTED,
                    "interrupted while waiting for the gateway at " + endpoint());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GatewayClientException g) {
                throw new GatewayClientException(g.kind(), g.getMessage());
            }
            throw new IllegalStateException("gateway client " + name() + ": request failed", e.getCause());
        } catch (TimeoutException e) {
            throw new GatewayClientException(GatewayClientException.Kind.CLOSED,
                    "gateway client " + name() + ": the socket thread stopped answering");
        }
        if (throwOnError && reply.status() == Reply.Status.ERROR) {
            throw new GatewayClientException(reply);
        }
        return reply;
    }

    private static long timeoutNanos(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return timeout.toNanos();
    }

    private static void checkId(byte[] id) {
        if (id == null || id.length == 0 || id.length > Frames.MAX_CORRELATION_ID) {
            throw new IllegalArgumentException("message id must be 1-" + Frames.MAX_CORRELATION_ID + " bytes, got "
                    + (id == null ? "null" : id.length));
        }
    }

    /** Builds a {@link GatewayClient}. Not thread-safe; use from one thread. */
    public static final class Builder {
        private ClientBundle bundle;
        private Path bundleDir;
        private String clientName;
        private String endpoint;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Duration reconnectInterval = Duration.ofMillis(100);
        private Duration reconnectIntervalMax = Duration.ofSeconds(10);
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private Duration heartbeatTimeout = Duration.ofSeconds(30);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private int maxInFlight = 500;
        private int handshakeFailuresBeforeGivingUp = 3;
        private ZContext context;
        private final List<Consumer<Push>> pushListeners = new CopyOnWriteArrayList<>();

        private Builder() {
        }

        /** The folder written by {@code clients add NAME --generate --out DIR}. */
        public Builder bundle(Path dir) {
            this.bundleDir = Objects.requireNonNull(dir, "bundle");
            this.bundle = null;
            return this;
        }

        /** Which client of a bundle folder that holds several certificates. */
        public Builder clientName(String name) {
            this.clientName = name;
            return this;
        }

        public Builder bundle(ClientBundle bundle) {
            this.bundle = Objects.requireNonNull(bundle, "bundle");
            this.bundleDir = null;
            return this;
        }

        /** Overrides the endpoint named in {@code server.key}, e.g. {@code tcp://gateway:5555}. */
        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** How long a request may take, retries included. Default 30 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = policy;
            return this;
        }

        /** First reconnect delay and its cap (ZeroMQ doubles it with jitter). Default 100 ms, 10 s. */
        public Builder reconnectInterval(Duration first, Duration max) {
            this.reconnectInterval = first;
            this.reconnectIntervalMax = max;
            return this;
        }

        /** ZMTP heartbeat interval and the silence after which the link is declared dead; zero interval disables. */
        public Builder heartbeat(Duration interval, Duration timeout) {
            this.heartbeatInterval = interval;
            this.heartbeatTimeout = timeout;
            return this;
        }

        /**
         * How long one ZMTP/CURVE handshake may take before ZeroMQ drops the connection and reconnects.
         * Default 5 s: short enough that a handshake stalled on a lossy link is retried well within the
         * request timeout.
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * How many requests may wait for a reply at once; more fail with OVERLOADED. Default 500: keep it
         * below the gateway's receive high-water mark (1,000 by default in ZeroMQ).
         */
        public Builder maxInFlight(int max) {
            this.maxInFlight = max;
            return this;
        }

        /**
         * Consecutive failed handshakes, before any success, after which waiting requests fail at once
         * with HANDSHAKE_FAILED rather than at their timeout. Default 3.
         */
        public Builder handshakeFailuresBeforeGivingUp(int failures) {
            this.handshakeFailuresBeforeGivingUp = failures;
            return this;
        }

        /** A ZeroMQ context to share between many clients; the client then does not close it. */
        public Builder context(ZContext context) {
            this.context = context;
            return this;
        }

        public Builder onPush(Consumer<Push> listener) {
            pushListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Loads the bundle, checks the settings and starts connecting. Returns at once: the
         * connection is made in the background and requests wait for it.
         *
         * @throws BundleException when the bundle folder or a certificate is missing or malformed
         * @throws IllegalArgumentException naming a setting that is out of range
         */
        public GatewayClient build() {
            ClientBundle b = bundle != null ? bundle : bundleDir == null ? null : ClientBundle.load(bundleDir, clientName);
            String e = endpoint != null ? endpoint : b == null ? null : b.endpoint().orElse(null);
            ClientConfig config = new ClientConfig(b, e, requestTimeout, retryPolicy, reconnectInterval,
                    reconnectIntervalMax, heartbeatInterval, heartbeatTimeout, handshakeTimeout, maxInFlight,
                    handshakeFailuresBeforeGivingUp);
            return new GatewayClient(config, context, pushListeners);
        }
    }

}
