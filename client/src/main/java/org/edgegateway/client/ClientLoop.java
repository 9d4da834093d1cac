package org.edgegateway.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.edgegateway.protocol.Envelope;
import org.edgegateway.protocol.Frames;
import org.edgegateway.protocol.FromGateway;
import org.edgegateway.protocol.ProtocolException;
import org.edgegateway.protocol.Push;
import org.edgegateway.protocol.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The I/O loop of one {@link GatewayClient}: its thread is the only one that ever touches the
 * DEALER socket. Other threads hand it requests through {@link #submit(Pending)}, a lock-free queue
 * plus a byte written to a wake-up pipe that the loop polls next to the socket.
 *
 * <p>The loop owns the table of requests in flight (keyed by correlation id), resends those that
 * waited too long, fails those past their deadline, and matches replies. It never runs user code:
 * futures are completed and pushes delivered on the {@code callbacks} executor.
 */
final class ClientLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientLoop.class);
    private static final long MAX_POLL_MILLIS = 500;

    private final ClientConfig config;
    private final ZContext context;
    private final boolean ownsContext;
    private final Executor callbacks;
    private final Consumer<Push> pushSink;
    private final Queue<Pending> submitted = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlightCount = new AtomicInteger();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Pipe wakePipe;
    private final LinkState link;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile boolean finished;
    private volatile Throwable startFailure;

    // Owned by the loop thread only.
    private final Map<ByteBuffer, Pending> inFlight = new HashMap<>();
    private final ArrayDeque<Pending> unsent = new ArrayDeque<>();
    private final ByteBuffer wakeBuffer = ByteBuffer.allocate(64);
    private long nextCheckNanos = Long.MAX_VALUE;
    private long seenGeneration;
    private ZMQ.Socket socket;

    ClientLoop(ClientConfig config, ZContext context, boolean ownsContext, Executor callbacks, Consumer<Push> pushSink) {
        this.config = config;
        this.context = context;
        this.ownsContext = ownsContext;
        this.callbacks = callbacks;
        this.pushSink = pushSink;
        try {
            this.wakePipe = Pipe.open();
            wakePipe.source().configureBlocking(false);
        } catch (IOException e) {
            throw new IllegalStateException("gateway client " + config.bundle().name() + ": cannot open the wake-up pipe", e);
        }
        this.link = new LinkState(this::wakeUp);
    }

    LinkState link() {
        return link;
    }

    /** Waits until the socket is connecting, or rethrows why it could not be set up. */
    void awaitStarted() throws InterruptedException {
        started.await();
        if (startFailure != null) {
            throw new IllegalStateException("gateway client " + config.bundle().name() + ": cannot open the socket to "
                    + config.endpoint() + ": " + startFailure.getMessage(), startFailure);
        }
    }

    /** Hands a request to the loop. Thread-safe. Fails it at once when over the limit or closing. */
    void submit(Pending pending) {
        if (closing) {
            pending.future.completeExceptionally(new GatewayClientException(GatewayClientException.Kind.CLOSED,
                    "gateway client " + config.bundle().name() + " is closed"));
            return;
        }
        if (inFlightCount.incrementAndGet() > config.maxInFlight()) {
            inFlightCount.decrementAndGet();
            pending.future.completeExceptionally(new GatewayClientException(GatewayClientException.Kind.OVERLOADED,
                    "gateway client " + config.bundle().name() + " already has maxInFlight=" + config.maxInFlight()
                            + " requests in flight"));
            return;
        }
        submitted.add(pending);
        wakeUp();
        if (finished) {
            failSubmitted(closedFailure());
        }
    }

    /** Asks the loop to stop; it fails what is in flight with {@link GatewayClientException.Kind#CLOSED}. */
    void close() {
        closing = true;
        wakeUp();
    }

    int inFlight() {
        return inFlightCount.get();
    }

    private void wakeUp() {
        if (wakePending.compareAndSet(false, true) && wakePipe.sink().isOpen()) {
            try {
                wakePipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                LOG.debug("gateway client {}: wake-up pipe closed", config.bundle().name(), e);
            }
        }
    }

    @Override
    public void run() {
        ZMQ.Poller poller = null;
        try {
            socket = openSocket();
            poller = context.createPoller(2);
            poller.register(socket, ZMQ.Poller.POLLIN);
            poller.register(wakePipe.source(), ZMQ.Poller.POLLIN);
        } catch (RuntimeException e) {
            startFailure = e;
            started.countDown();
            cleanUp(poller);
            return;
        }
        started.countDown();
        LOG.debug("gateway client {}: connecting to {}", config.bundle().name(), config.endpoint());
        try {
            while (!closing) {
                long now = System.nanoTime();
                long timeout = unsent.isEmpty() ? pollMillis(now) : Math.min(5, pollMillis(now));
                if (poller.poll(timeout) < 0) {
                    break;
                }
                drainWakePipe();
                now = System.nanoTime();
                onLinkChange(now);
                takeSubmitted(now);
                flushUnsent();
                receiveAll();
                if (now >= nextCheckNanos || giveUpOnHandshake()) {
                    checkTimers(System.nanoTime());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("gateway client {}: I/O loop failed", config.bundle().name(), e);
        } finally {
            closing = true;
            finished = true;
            failAll(closedFailure());
            cleanUp(poller);
        }
    }

    private ZMQ.Socket openSocket() {
        ZMQ.Socket s = context.createSocket(SocketType.DEALER);
        s.setLinger(0);
        s.setCurvePublicKey(config.bundle().publicKey());
        s.setCurveSecretKey(config.bundle().secretKey());
        s.setCurveServerKey(config.bundle().serverKey());
        s.setReconnectIVL((int) config.reconnectInterval().toMillis());
        s.setReconnectIVLMax((int) config.reconnectIntervalMax().toMillis());
        s.setHandshakeIvl((int) config.handshakeTimeout().toMillis());
        if (!config.heartbeatInterval().isZero()) {
            s.setHeartbeatIvl((int) config.heartbeatInterval().toMillis());
            s.setHeartbeatTimeout((int) config.heartbeatTimeout().toMillis());
            s.setHeartbeatTtl((int) config.heartbeatTimeout().toMillis());
        }
        // Generous receive room: JeroMQ 0.6.0 can hand over an undecrypted CURVE frame when a pipe
        // hits its high-water mark (zeromq/jeromq#1009), so the client never lets replies back up.
        int hwm = Math.max(10_000, config.maxInFlight() * 4);
        s.setSndHWM(hwm);
        s.setRcvHWM(hwm);
        s.setEventHook(link, LinkState.EVENTS);
        if (!s.connect(config.endpoint())) {
            throw new IllegalArgumentException("cannot connect to " + config.endpoint());
        }
        return s;
    }

    private void cleanUp(ZMQ.Poller poller) {
        if (poller != null) {
            poller.close();
        }
        if (socket != null) {
            context.destroySocket(socket);
        }
        if (ownsContext) {
            context.close();
        }
        try {
            wakePipe.source().close();
            wakePipe.sink().close();
        } catch (IOException e) {
            LOG.debug("gateway client {}: closing the wake-up pipe", config.bundle().name(), e);
        }
    }

    private long pollMillis(long now) {
        if (nextCheckNanos == Long.MAX_VALUE) {
            return MAX_POLL_MILLIS;
        }
        long millis = (nextCheckNanos - now + 999_999) / 1_000_000;
        return Math.max(0, Math.min(MAX_POLL_MILLIS, millis));
    }

    private void drainWakePipe() {
        wakePending.set(false);
        try {
            while (wakePipe.source().read(wakeBuffer.clear()) > 0) {
                // keep reading until empty
            }
        } catch (IOException e) {
            LOG.debug("gateway client {}: reading the wake-up pipe", config.bundle().name(), e);
        }
    }

    /** After each new connection: announce ourselves, and resend what may have been lost. */
    private void onLinkChange(long now) {
        long generation = link.connects();
        if (generation == seenGeneration) {
            return;
        }
        boolean reconnect = seenGeneration != 0;
        seenGeneration = generation;
        LOG.info("gateway client {}: {} {}", config.bundle().name(), reconnect ? "reconnecting to" : "connecting to",
                config.endpoint());
        announce(now);
        if (reconnect && config.retryPolicy().resendOnReconnect()) {
            for (Pending p : inFlight.values()) {
                if (!p.internal) {
                    write(p);
                }
            }
        }
    }

    /**
     * A PING right after the TCP connect (ZeroMQ sends it once the handshake is done): its PONG proves
     * the link is up, and the gateway learns where to push before any data is sent.
     */
    private void announce(long now) {
        Pending ping = Pending.internalPing(now, now + config.requestTimeout().toNanos());
        inFlightCount.incrementAndGet();
        track(ping);
        write(ping);
    }

    private void takeSubmitted(long now) {
        Pending p;
        while ((p = submitted.poll()) != null) {
            if (p.future.isDone()) {
                inFlightCount.decrementAndGet();
                continue;
            }
            p.deadlineNanos = now + p.timeoutNanos;
            p.nextAttemptNanos = now + config.retryPolicy().jitteredTimeoutNanos(0, ThreadLocalRandom.current().nextDouble());
            if (inFlight.containsKey(p.key)) {
                p.future.completeExceptionally(new IllegalArgumentException("message id already in flight: "
                        + Frames.printable(p.key.array())));
                inFlightCount.decrementAndGet();
                continue;
            }
            track(p);
            write(p);
        }
    }

    private void track(Pending p) {
        inFlight.put(p.key, p);
        nextCheckNanos = Math.min(nextCheckNanos, Math.min(p.deadlineNanos, p.nextAttemptNanos));
    }

    private void write(Pending p) {
        if (!p.queued && !trySend(p.frames)) {
            p.queued = true;
            unsent.add(p);
        }
    }

    private void flushUnsent() {
        while (!unsent.isEmpty()) {
            Pending p = unsent.peek();
            if (!inFlight.containsKey(p.key) || p.future.isDone()) {
                unsent.poll().queued = false;
                continue;
            }
            if (!trySend(p.frames)) {
                return;
            }
            unsent.poll().queued = false;
        }
    }

    private boolean trySend(List<byte[]> frames) {
        int last = frames.size() - 1;
        if (!socket.send(frames.get(0), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
            return false;
        }
        for (int i = 1; i < last; i++) {
            socket.send(frames.get(i), ZMQ.SNDMORE);
        }
        socket.send(frames.get(last), 0);
        return true;
    }

    private void receiveAll() {
        while (true) {
            byte[] first = socket.recv(ZMQ.DONTWAIT);
            if (first == null) {
                return;
            }
            List<byte[]> frames = new ArrayList<>(4);
            frames.add(first);
            while (socket.hasReceiveMore()) {
                frames.add(socket.recv());
            }
            FromGateway message;
            try {
                message = Frames.decodeFromGateway(frames);
            } catch (ProtocolException e) {
                LOG.warn("gateway client {}: dropped a message from the gateway: {}", config.bundle().name(), e.getMessage());
                continue;
            }
            if (message instanceof Push push) {
                link.markAlive();
                callbacks.execute(() -> pushSink.accept(push));
            } else if (message instanceof Reply reply) {
                onReply(reply);
            }
        }
    }

    private void onReply(Reply reply) {
        link.markAlive();
        Envelope envelope = reply.envelope();
        if (!envelope.versioned()) {
            LOG.warn("gateway client {}: dropped an unversioned reply {}", config.bundle().name(), reply);
            return;
        }
        Pending p = inFlight.remove(ByteBuffer.wrap(envelope.correlationId()));
        if (p == null) {
            LOG.debug("gateway client {}: reply to a request no longer waiting (a duplicate or late): {}",
                    config.bundle().name(), reply);
            return;
        }
        inFlightCount.decrementAndGet();
        if (!p.internal) {
            complete(p, reply);
        }
    }

    private void complete(Pending p, Reply reply) {
        CompletableFuture<Reply> future = p.future;
        callbacks.execute(() -> future.complete(reply));
    }

    private void fail(Pending p, GatewayClientException e) {
        CompletableFuture<Reply> future = p.future;
        callbacks.execute(() -> future.completeExceptionally(e));
    }

    /** The gateway refused our key, or the handshake failed again and again before it ever worked. */
    private boolean giveUpOnHandshake() {
        if (inFlight.isEmpty() || link.alive()) {
            return false;
        }
        return link.refused() || (!link.aliveEver()
                && link.consecutiveHandshakeFailures() >= config.handshakeFailuresBeforeGivingUp());
    }

    private void checkTimers(long now) {
        boolean giveUp = giveUpOnHandshake();
        long next = Long.MAX_VALUE;
        Iterator<Pending> it = inFlight.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (giveUp || now >= p.deadlineNanos || p.future.isDone()) {
                it.remove();
                inFlightCount.decrementAndGet();
                if (!p.internal && !p.future.isDone()) {
                    fail(p, failure(now - p.startNanos, giveUp));
                }
                continue;
            }
            if (now >= p.nextAttemptNanos && !p.internal) {
                p.attempt++;
                p.nextAttemptNanos = now + config.retryPolicy().jitteredTimeoutNanos(p.attempt,
                        ThreadLocalRandom.current().nextDouble());
                if (link.alive()) {
                    LOG.debug("gateway client {}: resending {} (attempt {})", config.bundle().name(),
                            Frames.printable(p.key.array()), p.attempt + 1);
                    write(p);
                }
            }
            next = Math.min(next, p.internal ? p.deadlineNanos : Math.min(p.deadlineNanos, p.nextAttemptNanos));
        }
        nextCheckNanos = next;
    }

    /** Why a request got no reply, told from what the event hook saw. */
    private GatewayClientException failure(long waitedNanos, boolean gaveUp) {
        String name = config.bundle().name();
        String endpoint = config.endpoint();
        long millis = waitedNanos / 1_000_000;
        String handshakeFailure = link.lastHandshakeFailure();
        if (link.alive()) {
            return new GatewayClientException(GatewayClientException.Kind.TIMEOUT,
                    "no reply from the gateway at " + endpoint + " within " + millis + " ms (connected as " + name + ")");
        }
        if (link.refused()) {
            return new GatewayClientException(GatewayClientException.Kind.HANDSHAKE_FAILED,
                    "the gateway at " + endpoint + " refused the key of client " + name
                            + " during the CURVE handshake (not enrolled, revoked, quarantined or its address banned;"
                            + " the gateway's log and audit log name the cause)");
        }
        if (handshakeFailure != null || (link.tcpConnectedEver() && !link.aliveEver())) {
            return new GatewayClientException(GatewayClientException.Kind.HANDSHAKE_FAILED,
                    "the CURVE handshake with " + endpoint + " did not complete"
                            + (gaveUp ? " after " + link.consecutiveHandshakeFailures() + " attempts" : " within " + millis + " ms")
                            + (handshakeFailure == null ? "" : " (" + handshakeFailure + ")")
                            + "; the server key in the bundle (server.key) may be wrong for this gateway");
        }
        if (!link.tcpConnectedEver()) {
            return new GatewayClientException(GatewayClientException.Kind.UNREACHABLE,
                    "cannot connect to the gateway at " + endpoint + " within " + millis + " ms (refused or unreachable)");
        }
        return new GatewayClientException(GatewayClientException.Kind.UNREACHABLE,
                "the connection to the gateway at " + endpoint + " was lost and not re-established within " + millis + " ms");
    }

    private void failAll(GatewayClientException e) {
        for (Pending p : inFlight.values()) {
            inFlightCount.decrementAndGet();
            if (!p.internal) {
                fail(p, e);
            }
        }
        inFlight.clear();
        failSubmitted(e);
    }

    /** Fails what was submitted but not taken; any thread once the loop has finished. */
    private void failSubmitted(GatewayClientException e) {
        Pending p;
        while ((p = submitted.poll()) != null) {
            inFlightCount.decrementAndGet();
            p.future.completeExceptionally(e);
        }
    }

    private GatewayClientException closedFailure() {
        return new GatewayClientException(GatewayClientException.Kind.CLOSED,
                "gateway client " + config.bundle().name() + " closed before the reply came");
    }

    /** One request from submission to reply. Fields after construction belong to the loop thread. */
    static final class Pending {
        final ByteBuffer key;
        final List<byte[]> frames;
        final CompletableFuture<Reply> future;
        final long startNanos;
        final long timeoutNanos;
        final boolean internal;
        long deadlineNanos;
        long nextAttemptNanos;
        int attempt;
        boolean queued;

        private Pending(byte[] correlationId, Function<Envelope, List<byte[]>> encoder, long startNanos,
                        long timeoutNanos, boolean internal) {
            this.key = ByteBuffer.wrap(correlationId.clone());
            this.frames = encoder.apply(Envelope.versioned(false, Frames.CURRENT_VERSION, correlationId));
            this.future = new CompletableFuture<>();
            this.startNanos = startNanos;
            this.timeoutNanos = timeoutNanos;
            this.internal = internal;
        }

        static Pending request(byte[] correlationId, String type, byte[] payload, long timeoutNanos) {
            return new Pending(correlationId, e -> Frames.encodeRequest(e, type, payload), System.nanoTime(),
                    timeoutNanos, false);
        }

        static Pending ping(byte[] correlationId, long timeoutNanos) {
            return new Pending(correlationId, Frames::encodePing, System.nanoTime(), timeoutNanos, false);
        }

        private static Pending internalPing(long now, long deadline) {
            byte[] id = new byte[16];
            ThreadLocalRandom.current().nextBytes(id);
            Pending p = new Pending(id, Frames::encodePing, now, deadline - now, true);
            p.deadlineNanos = deadline;
            p.nextAttemptNanos = Long.MAX_VALUE;
            return p;
        }
    }
}
