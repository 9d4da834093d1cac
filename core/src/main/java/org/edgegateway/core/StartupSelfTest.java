package org.edgegateway.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.edgegateway.keys.CurveKeyPair;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/**
 * Proves at start that authentication fails closed: a CURVE client with a fresh, unenrolled key must
 * be refused. JeroMQ's CURVE server admits everyone when no ZAP handler answers, so a gateway that
 * cannot prove the refusal must not serve. Used once, on the starting thread.
 */
final class StartupSelfTest {
    private final CompletableFuture<Void> zapRefused = new CompletableFuture<>();
    private final CurveKeyPair probe = CurveKeyPair.generate();

    /** The probe's public key (Z85), so the ZAP listener can recognise it and keep it out of the audit log. */
    String probeKey() {
        return probe.publicZ85();
    }

    /** Called by the ZAP listener when it refused the probe key. */
    void refusedByZap() {
        zapRefused.complete(null);
    }

    /**
     * Connects the probe to {@code endpoint} and waits for the refusal.
     *
     * @throws IllegalStateException when the probe got in, or no refusal was seen in time
     */
    void run(String endpoint, byte[] serverPublicKey) {
        CompletableFuture<ZMonitor.Event> outcome = new CompletableFuture<>();
        // A context of its own, so that nothing of the probe lingers in the gateway's I/O thread.
        ZContext context = new ZContext(1);
        ZMQ.Socket client = context.createSocket(SocketType.DEALER);
        try {
            client.setLinger(0);
            // JeroMQ 0.6.0 clients leave a few percent of fresh connections stuck before the ZMTP
            // greeting; a short handshake limit makes the probe reconnect instead of waiting forever.
            client.setHandshakeIvl(1000);
            client.setCurveServerKey(serverPublicKey);
            client.setCurvePublicKey(probe.publicKey());
            client.setCurveSecretKey(probe.secretKey());
            client.setEventHook((ZEvent e) -> {
                ZMonitor.Event type = e.getEvent();
                if (type == ZMonitor.Event.HANDSHAKE_SUCCEEDED || type == ZMonitor.Event.HANDSHAKE_FAILED_AUTH) {
                    outcome.complete(type);
                }
            }, ZMQ.HANDSHAKE_SUCCEEDED | ZMQ.HANDSHAKE_FAILED_AUTH);
            client.connect(loopback(endpoint));
            ZMonitor.Event seen;
            try {
                seen = outcome.get(10, TimeUnit.SECONDS);
                zapRefused.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("start-up self-test: could not confirm that an unknown CURVE key is "
                        + "refused on " + endpoint + " within 10 s; refusing to serve");
            } catch (Exception e) {
                throw new IllegalStateException("start-up self-test failed: " + e, e);
            }
            if (seen != ZMonitor.Event.HANDSHAKE_FAILED_AUTH) {
                throw new IllegalStateException("start-up self-test: an unknown CURVE key was admitted on " + endpoint
                        + "; authentication is not enforced, refusing to serve");
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
