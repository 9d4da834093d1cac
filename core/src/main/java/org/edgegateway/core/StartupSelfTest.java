package org.edgegateway.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.edgegateway.keys.CurveKeyPair;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;

/**
 * Proves at start that authentication fails closed: a CURVE client with a fresh, unenrolled key must
 * be refused. JeroMQ's CURVE server admits everyone when no ZAP handler answers, so a gateway that
 * cannot prove the refusal must not serve. Used once, on the starting thread.
 *
 * <p>The probe runs once the sensors' port is bound, so after a restart it queues behind every
 * sensor reconnecting at that moment (10,000 handshakes take the transport tens of seconds): its
 * handshake may take seconds and the whole test up to {@link #LIMIT}. A probe handshake limit of a
 * second made it give up and start again at the back of the queue, and the gateway refused to start
 * under exactly the storm a restart brings.
 */
final class StartupSelfTest {
    /** How long the probe may take in all; a gateway that cannot show the refusal by then does not serve. */
    static final Duration LIMIT = Duration.ofSeconds(60);
    /**
     * The probe's own handshake limit: long enough for a handshake queued behind a storm, short enough
     * to retry a connection stuck before the greeting (JeroMQ 0.6.0 clients leave a few percent so).
     */
    static final Duration PROBE_HANDSHAKE = Duration.ofSeconds(10);

    private final CompletableFuture<Void> zapRefused = new CompletableFuture<>();
    private final CurveKeyPair probe = CurveKeyPair.generate();
    private final Duration limit;

    StartupSelfTest() {
        this(LIMIT);
    }

    /** A probe with a time limit of its own (tests of the admitted case, which ends only by the limit). */
    StartupSelfTest(Duration limit) {
        this.limit = limit;
    }

    /** The probe's public key (Z85), so the ZAP listener can recognise it and keep it out of the audit log. */
    String probeKey() {
        return probe.publicZ85();
    }

    /** Called by the ZAP listener when it refused the probe key. */
    void refusedByZap() {
        zapRefused.complete(null);
    }

    /**
     * Connects the probe to {@code endpoint} and waits for the refusal: the client sees the handshake
     * fail on authentication, and the ZAP handler reports that it refused the probe's key. JeroMQ
     * 0.6.0 reports no successful CURVE handshake to the client, so an admitted probe shows as no
     * refusal within the limit: the gateway fails closed either way.
     *
     * @throws IllegalStateException when no refusal was seen in time
     */
    void run(String endpoint, byte[] serverPublicKey) {
        CompletableFuture<Void> failedAuth = new CompletableFuture<>();
        // A context of its own, so that nothing of the probe lingers in the gateway's I/O thread.
        ZContext context = new ZContext(1);
        ZMQ.Socket client = context.createSocket(SocketType.DEALER);
        try {
            client.setLinger(0);
            client.setHandshakeIvl((int) PROBE_HANDSHAKE.toMillis());
            client.setCurveServerKey(serverPublicKey);
            client.setCurvePublicKey(probe.publicKey());
            client.setCurveSecretKey(probe.secretKey());
            client.setEventHook((ZEvent e) -> failedAuth.complete(null), ZMQ.HANDSHAKE_FAILED_AUTH);
            client.connect(loopback(endpoint));
            long deadline = System.nanoTime() + limit.toNanos();
            try {
                failedAuth.get(limit.toNanos(), TimeUnit.NANOSECONDS);
                zapRefused.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("start-up self-test: could not confirm that an unknown CURVE key is "
                        + "refused on " + endpoint + " within " + limit.toSeconds() + " s (it was admitted, or nothing "
                        + "answered); refusing to serve");
            } catch (Exception e) {
                throw new IllegalStateException("start-up self-test failed: " + e, e);
            }
        } finally {
            client.close();
            context.close();
        }
    }

    /** The endpoint to reach a bound one from this host: wildcard addresses become loopback. */
    static String loopback(String bound) {
        return bound.replace("://0.0.0.0:", "://127.0.0.1:").replace("://*:", "://127.0.0.1:")
                .replace("://[::]:", "://[::1]:");
    }
}
