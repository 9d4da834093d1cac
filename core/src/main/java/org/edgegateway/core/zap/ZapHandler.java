package org.edgegateway.core.zap;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.health.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.ZError;
import zmq.util.Z85;

/**
 * The ZAP handler (RFC 27): owns the REP socket on {@code inproc://zeromq.zap.01} on its own thread,
 * {@code egw-zap}; nothing else touches that socket. Other threads only call {@link #start()} and
 * {@link #close()}.
 *
 * <p>Every request gets an answer, and only a CURVE client whose public key is enrolled and allowed
 * gets {@code 200}: an unknown, revoked or quarantined key, any other mechanism, a malformed request
 * and any exception inside the handler are all refused. The user id of an allowed client is its
 * public key in Z85, which the transport attaches to every message of that connection as
 * {@code User-Id}; the gateway derives identity from that and never from the routing id.
 *
 * <p>JeroMQ's CURVE server lets everyone in when no ZAP handler is bound, so this handler must be
 * bound before the ROUTER: {@link #start()} returns only once the socket is bound.
 */
public final class ZapHandler implements AutoCloseable {
    public static final String ENDPOINT = "inproc://zeromq.zap.01";
    /** The ZAP domain of the gateway's ROUTER. */
    public static final String ROUTER_DOMAIN = "edge-gateway";
    private static final Logger LOG = LoggerFactory.getLogger(ZapHandler.class);

    /** What the handler decided, for the connection table, metrics and the audit log. Called on egw-zap: must not block. */
    public interface Listener {
        /**
         * @param domain the ZAP domain of the socket the client connects to: {@link #ROUTER_DOMAIN}
         *               for the ROUTER, another for the topic publisher
         */
        void allowed(KeyCache.Entry client, String address, String domain);

        /**
         * @param reason   a stable word: unknown-key, revoked, quarantined, pending, banned, mechanism, malformed, error
         * @param keyZ85   the offered public key, or null when there was none
         * @param domain   the ZAP domain of the socket, or empty when the request was unreadable
         */
        void denied(String reason, String keyZ85, String address, String domain);
    }

    /**
     * Consulted for an enrolled key the key cache allows, before it is admitted: false refuses this
     * handshake as {@code quarantined} (the key reconnects in a loop and is being quarantined).
     */
    public interface KeyGate {
        KeyGate OPEN = (client, address) -> true;

        boolean admit(KeyCache.Entry client, String address);
    }

    /** Consulted first for every request: a banned address is refused without a key look-up. */
    public interface AddressGate {
        AddressGate OPEN = address -> false;

        boolean banned(String address);
    }

    /**
     * The keys a ZAP domain admits. The client keys serve every domain that has no policy of its own
     * (the ROUTER's and the topic publisher's); a domain with its own (the workers' port) admits only
     * its own keys, so a key enrolled for one port is refused on the other.
     */
    @FunctionalInterface
    public interface Keys {
        /** The entry of a Z85 public key, or null when it is not enrolled for this domain. */
        KeyCache.Entry lookup(String publicKeyZ85);
    }

    /** Consecutive failures of the socket itself after which the handler gives up (see {@link #run}). */
    static final int MAX_SOCKET_FAILURES = 100;

    private final ZContext context;
    private final KeyCache keys;
    private final AddressGate gate;
    private final KeyGate keyGate;
    private final Listener listener;
    private final java.util.Map<String, Keys> domains = new java.util.concurrent.ConcurrentHashMap<>();
    private final Clock clock;
    private final Health health;
    private final CountDownLatch bound = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile RuntimeException startFailure;
    private Thread thread;

    public ZapHandler(ZContext context, KeyCache keys, AddressGate gate, Listener listener, Clock clock) {
        this(context, keys, gate, KeyGate.OPEN, listener, clock, new Health(clock));
    }

    /**
     * @param keyGate asked last, for an enrolled key that would be admitted
     * @param health  told when this handler serves, and when its thread dies while the gateway runs
     */
    public ZapHandler(ZContext context, KeyCache keys, AddressGate gate, KeyGate keyGate, Listener listener,
                      Clock clock, Health health) {
        this.context = context;
        this.keys = keys;
        this.gate = gate;
        this.keyGate = keyGate;
        this.listener = listener;
        this.clock = clock;
        this.health = health;
        health.starting(Health.ZAP);
    }

    /**
     * From now on, requests for {@code domain} are decided on {@code domainKeys} alone, not on the client
     * keys (the address bans still apply first). Call before binding a socket with that domain.
     */
    public void domain(String domain, Keys domainKeys) {
        if (domain == null || domain.isEmpty() || ROUTER_DOMAIN.equals(domain)) {
            throw new IllegalArgumentException("zap: the client keys' domain cannot be given other keys: " + domain);
        }
        domains.put(domain, java.util.Objects.requireNonNull(domainKeys, "domainKeys"));
    }

    /** Starts the thread and waits until the ZAP socket is bound. */
    public void start() {
        thread = new Thread(this::run, "egw-zap");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!bound.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("ZAP handler did not bind " + ENDPOINT + " within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the ZAP handler", e);
        }
        if (startFailure != null) {
            throw startFailure;
        }
    }

    /**
     * The thread's body. Whatever goes wrong with one request, it is refused and the next one is
     * served: every {@link Throwable} is caught, and nothing in a catch block can throw (logging and
     * the listener are guarded). The loop ends only when the handler is closed, the context is
     * terminated, or the socket itself keeps failing ({@value #MAX_SOCKET_FAILURES} times in a row:
     * a REP socket whose reply failed half-way refuses every receive).
     *
     * <p>If the thread ends while the gateway runs, it <em>dies</em>, and it must not take the
     * authentication with it: JeroMQ's CURVE server admits every key when no ZAP handler is bound
     * (it finds no endpoint and goes on), so the socket is then left open and bound, and handshakes
     * wait for an answer that never comes instead of being admitted; {@link Health#died} tells the
     * gateway, which closes its ROUTER and XPUB and exits (non-zero, so the service manager restarts
     * it).
     */
    private void run() {
        ZMQ.Socket socket;
        try {
            socket = context.createSocket(SocketType.REP);
            socket.setLinger(0);
            socket.setReceiveTimeOut(250);
            socket.bind(ENDPOINT);
        } catch (RuntimeException e) {
            startFailure = new IllegalStateException("cannot bind the ZAP handler on " + ENDPOINT + ": " + e.getMessage(), e);
            bound.countDown();
            stopped.countDown();
            return;
        }
        bound.countDown();
        health.up(Health.ZAP);
        Throwable failure = null;
        try {
            serve(socket);
        } catch (Throwable e) {
            failure = e;
        } finally {
            if (running) {
                // Died: the socket stays bound (see above); the context closes it at the gateway's end.
                health.died(Health.ZAP, failure != null ? failure
                        : new IllegalStateException("zap: the handler's socket kept failing"));
            } else {
                try {
                    socket.close();
                } catch (Throwable e) {
                    quietly(() -> LOG.debug("zap: close failed", e));
                }
            }
            stopped.countDown();
        }
    }

    /** Serves requests until closed, terminated, or the socket keeps failing. */
    private void serve(ZMQ.Socket socket) {
        int socketFailures = 0;
        while (running && socketFailures < MAX_SOCKET_FAILURES) {
            List<byte[]> request;
            try {
                request = receive(socket);
            } catch (ZMQException e) {
                if (e.getErrorCode() == ZError.ETERM) {
                    running = false;
                    return;
                }
                socketFailures++;
                quietly(() -> LOG.warn("zap: receive failed: {}", e.getMessage()));
                continue;
            } catch (Throwable e) {
                if (!running) {
                    return;
                }
                socketFailures++;
                quietly(() -> LOG.error("zap: receive failed", e));
                continue;
            }
            if (request == null) {
                // A receive that timed out worked: only failures in a row count.
                socketFailures = 0;
                continue;
            }
            List<byte[]> reply = decide(request);
            try {
                for (int i = 0; i < reply.size(); i++) {
                    socket.send(reply.get(i), i < reply.size() - 1 ? ZMQ.SNDMORE : 0);
                }
                socketFailures = 0;
            } catch (ZMQException e) {
                if (e.getErrorCode() == ZError.ETERM) {
                    running = false;
                    return;
                }
                socketFailures++;
                quietly(() -> LOG.warn("zap: reply failed: {}", e.getMessage()));
            } catch (Throwable e) {
                socketFailures++;
                quietly(() -> LOG.error("zap: reply failed", e));
            }
        }
    }

    /** The answer to one request; any failure while deciding is a refusal. Never throws. */
    private List<byte[]> decide(List<byte[]> request) {
        try {
            return answer(request);
        } catch (Throwable e) {
            // Fail closed: whatever went wrong, this request is refused.
            quietly(() -> LOG.error("zap: handler error, request refused", e));
            quietly(() -> listener.denied("error", null, request.size() > 3 ? text(request.get(3)) : "",
                    request.size() > 2 ? text(request.get(2)) : ""));
            return reply(request.size() > 1 ? request.get(1) : new byte[0], "500", "Internal error", "");
        }
    }

    /** Runs {@code r}, swallowing whatever it throws: the ZAP loop must outlive its logging and listener. */
    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (Throwable ignored) {
            // Nothing sensible left to do; the request is refused all the same.
        }
    }

    private static List<byte[]> receive(ZMQ.Socket socket) {
        byte[] first = socket.recv(0);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(8);
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    /**
     * Decides one request: {@code [version, request id, domain, address, identity, mechanism, credentials...]}.
     */
    List<byte[]> answer(List<byte[]> request) {
        if (request.size() < 6 || !"1.0".equals(text(request.get(0)))) {
            listener.denied("malformed", null, request.size() > 3 ? text(request.get(3)) : "",
                    request.size() > 2 ? text(request.get(2)) : "");
            return reply(request.size() > 1 ? request.get(1) : new byte[0], "400", "Malformed ZAP request", "");
        }
        byte[] requestId = request.get(1);
        String domain = text(request.get(2));
        String address = text(request.get(3));
        String mechanism = text(request.get(5));
        if (gate.banned(address)) {
            listener.denied("banned", null, address, domain);
            return reply(requestId, "400", "Address banned", "");
        }
        if (!"CURVE".equals(mechanism)) {
            listener.denied("mechanism", null, address, domain);
            return reply(requestId, "400", "Mechanism not allowed: only CURVE", "");
        }
        if (request.size() != 7 || request.get(6).length != 32) {
            listener.denied("malformed", null, address, domain);
            return reply(requestId, "400", "Malformed CURVE credentials", "");
        }
        String key = Z85.encode(request.get(6), 32);
        Keys own = domains.get(domain);
        KeyCache.Entry entry = own != null ? own.lookup(key) : keys.lookup(key);
        KeyCache.Verdict verdict = entry == null ? KeyCache.Verdict.UNKNOWN : entry.verdict(clock.instant());
        switch (verdict) {
            case ALLOWED -> {
                // The reconnect-loop gate quarantines clients; a domain with keys of its own has none.
                if (own == null && !keyGate.admit(entry, address)) {
                    listener.denied("quarantined", key, address, domain);
                    return reply(requestId, "400", "Client quarantined", "");
                }
                listener.allowed(entry, address, domain);
                return reply(requestId, "200", "OK", key);
            }
            case REVOKED -> {
                listener.denied("revoked", key, address, domain);
                return reply(requestId, "400", "Key revoked", "");
            }
            case QUARANTINED -> {
                listener.denied("quarantined", key, address, domain);
                return reply(requestId, "400", "Client quarantined", "");
            }
            case PENDING -> {
                listener.denied("pending", key, address, domain);
                return reply(requestId, "400", "Client pending approval", "");
            }
            default -> {
                listener.denied("unknown-key", key, address, domain);
                return reply(requestId, "400", "Unknown key", "");
            }
        }
    }

    private static List<byte[]> reply(byte[] requestId, String status, String text, String userId) {
        return List.of(bytes("1.0"), requestId, bytes(status), bytes(text), bytes(userId), new byte[0]);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Stops the thread, which closes its socket; call before closing the context. */
    @Override
    public void close() {
        running = false;
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("zap: handler thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
