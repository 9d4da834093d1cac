package org.edgegateway.core.enrol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.edgegateway.core.AuditTrail;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.admission.BanList;
import org.edgegateway.core.zap.ZapHandler;
import org.edgegateway.keys.AuditActions;
import org.edgegateway.keys.ClaimRedemption;
import org.edgegateway.keys.Claims;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.Msg;
import zmq.ZError;
import zmq.io.Metadata;

/**
 * The enrolment port: owns a CURVE ROUTER ({@code enrol.endpoint}) on its own thread,
 * {@code egw-enrol}, and nothing else touches that socket. Other threads only call {@link #start}
 * and {@link #close()}.
 *
 * <h2>Security</h2>
 * The ROUTER is a CURVE server with the gateway's own key, in the ZAP domain {@value #ZAP_DOMAIN},
 * which the gateway's ZAP handler decides with {@link #ZAP_KEYS}: any well-formed key is admitted,
 * since a sensor enrolling has a key nobody knows yet, but the address bans apply first as on every
 * port. Admitted, a connection gets one exchange and nothing more:
 * {@code [ENROL, claim-secret, NAME]} answered {@code [ENROLLED, NAME]}, {@code [PENDING, NAME]} or
 * {@code [ERROR, "CODE: detail"]}. The key enrolled is the connection's CURVE key, read from the
 * {@code User-Id} the ZAP handler set, so a sensor can enrol only a key whose secret it holds, and
 * the secret never leaves it. Anything else (a data message, a malformed request) is answered
 * {@code ERROR BAD_REQUEST} and never reaches a handler: this socket has none.
 *
 * <p>Each address has a token bucket ({@code enrol.attempts-per-minute}, {@code enrol.burst}),
 * taken before anything is decoded; an empty one is answered {@code RATE_LIMITED}. A claim secret
 * that names no claim counts as a failed authentication of the address ({@link BanList#failed}), so
 * guessing secrets gets the address banned at the ZAP handler like guessing keys. Every attempt is
 * audited with the claim, the name and the address: an enrolment in the key store's transaction, a
 * refusal through the rate-limited {@link AuditTrail} (refusals come at an attacker's pace).
 *
 * <h2>Cost</h2>
 * The key store transaction runs on this thread: enrolment is rare and rate-limited, and a slow
 * store delays only other enrolments, never the sensors' or the publisher's sockets.
 */
public final class EnrolService implements AutoCloseable {
    /** The ZAP domain of the enrolment port. */
    public static final String ZAP_DOMAIN = "edge-gateway-enrol";
    /** The enrolment port's keys for the ZAP handler: any well-formed key, for this one exchange. */
    public static final ZapHandler.Keys ZAP_KEYS = key -> new KeyCache.Entry("(enrolling)", key, ClientStatus.ACTIVE,
            ClientLimits.DEFAULTS, null);
    private static final Logger LOG = LoggerFactory.getLogger(EnrolService.class);
    private static final byte[] ENROL = "ENROL".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_REQUEST = 1024;

    private final ZContext context;
    private final CurveKeyPair serverKeys;
    private final EnrolConfig config;
    private final Claims claims;
    private final KeyCache keys;
    private final BanList bans;
    private final AuditTrail audit;
    private final AddressRates rates;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile String boundEndpoint;
    private ZMQ.Socket socket;
    private org.edgegateway.core.health.Health health;

    private EnrolService(ZContext context, CurveKeyPair serverKeys, EnrolConfig config, Claims claims, KeyCache keys,
                         BanList bans, AuditTrail audit, LongSupplier nanos) {
        this.context = context;
        this.serverKeys = serverKeys;
        this.config = config;
        this.claims = claims;
        this.keys = keys;
        this.bans = bans;
        this.audit = audit;
        this.rates = new AddressRates(config.attemptsPerMinute(), config.burst(), config.trackedAddresses(), nanos);
    }

    /**
     * Binds the ROUTER in {@code context}, whose ZAP handler must already be bound and know
     * {@link #ZAP_DOMAIN} (JeroMQ's CURVE server admits everyone when no handler answers), and starts
     * its thread; fails with an {@link IllegalStateException} naming the endpoint, leaving nothing running.
     *
     * @param keys told of every client enrolled, so that the sensors' port admits it at once
     */
    public static EnrolService start(ZContext context, CurveKeyPair serverKeys, EnrolConfig config, Claims claims,
                                     KeyCache keys, BanList bans, AuditTrail audit, LongSupplier nanos) {
        return start(context, serverKeys, config, claims, keys, bans, audit, nanos,
                new org.edgegateway.core.health.Health(java.time.Clock.systemUTC()));
    }

    /** As above, reporting to {@code health} as {@link org.edgegateway.core.health.Health#ENROL}: up once bound, a death of its thread. */
    public static EnrolService start(ZContext context, CurveKeyPair serverKeys, EnrolConfig config, Claims claims,
                                     KeyCache keys, BanList bans, AuditTrail audit, LongSupplier nanos,
                                     org.edgegateway.core.health.Health health) {
        EnrolService s = new EnrolService(context, serverKeys, config, claims, keys, bans, audit, nanos);
        s.health = health;
        health.starting(org.edgegateway.core.health.Health.ENROL);
        s.bind();
        health.up(org.edgegateway.core.health.Health.ENROL);
        return s;
    }

    private void bind() {
        ZMQ.Socket s = context.createSocket(SocketType.ROUTER);
        try {
            s.setCurveServer(true);
            s.setCurveSecretKey(serverKeys.secretKey());
            s.setZAPDomain(ZAP_DOMAIN);
            s.setLinger(0);
            s.setMaxMsgSize(MAX_REQUEST);
            s.setSndHWM(1000);
            s.setRcvHWM(1000);
            s.setHandshakeIvl(10_000);
            s.setReceiveTimeOut(200);
            s.bind(config.endpoint());
        } catch (RuntimeException e) {
            s.close();
            throw new IllegalStateException("enrol: cannot bind " + config.endpoint() + ": " + e.getMessage(), e);
        }
        socket = s;
        boundEndpoint = s.getLastEndpoint();
        Thread thread = new Thread(this::loop, "egw-enrol");
        thread.setDaemon(true);
        thread.start();
        LOG.info("enrol: serving enrolment on {}", boundEndpoint);
    }

    /** The endpoint the ROUTER is bound to, with the real port. */
    public String boundEndpoint() {
        return boundEndpoint;
    }

    private void loop() {
        try {
            while (running) {
                List<Msg> frames;
                try {
                    frames = receive();
                } catch (ZMQException e) {
                    if (e.getErrorCode() == ZError.ETERM) {
                        return;
                    }
                    LOG.warn("enrol: receive failed: {}", e.getMessage());
                    continue;
                }
                if (frames == null) {
                    continue;
                }
                try {
                    serve(frames);
                } catch (RuntimeException e) {
                    LOG.error("enrol: request failed", e);
                }
            }
        } catch (Throwable e) {
            if (running) {
                LOG.error("enrol: the enrolment thread died", e);
                // An owner thread like the others: the gateway stops, the service manager restarts it.
                health.died(org.edgegateway.core.health.Health.ENROL, e);
            }
        } finally {
            try {
                socket.close();
            } catch (RuntimeException e) {
                LOG.debug("enrol: close failed", e);
            }
            stopped.countDown();
        }
    }

    /** One message, routing id first, or null when none came within the receive timeout. */
    private List<Msg> receive() {
        Msg first = socket.recvMsg(0);
        if (first == null) {
            return null;
        }
        List<Msg> frames = new ArrayList<>(5);
        frames.add(first);
        while (socket.hasReceiveMore() && frames.size() < 16) {
            frames.add(socket.recvMsg(0));
        }
        while (socket.hasReceiveMore()) {
            socket.recvMsg(0); // a long message is refused as a whole; drop its rest
            frames.add(null);
        }
        return frames;
    }

    private void serve(List<Msg> frames) {
        byte[] routingId = frames.get(0).data();
        Metadata metadata = null;
        for (int i = 1; i < frames.size() && metadata == null; i++) {
            if (frames.get(i) != null) {
                metadata = frames.get(i).getMetadata();
            }
        }
        String key = metadata == null ? null : metadata.get(Metadata.USER_ID);
        // Peer-Address is ip:port; bans and rates go by the ip, as the ZAP handler sees it.
        String peer = metadata == null ? null : metadata.get(Metadata.PEER_ADDRESS);
        String address = peer == null ? "" : hostOf(peer);
        // A REQ socket's envelope: an empty delimiter before the request; answered in kind.
        boolean req = frames.size() > 1 && frames.get(1) != null && frames.get(1).size() == 0;
        List<Msg> body = frames.subList(req ? 2 : 1, frames.size());
        if (!rates.take(address)) {
            reply(routingId, req, "ERROR", "RATE_LIMITED: too many enrolment requests from this address; wait a minute");
            return;
        }
        if (body.size() != 3 || body.contains(null) || !java.util.Arrays.equals(body.get(0).data(), ENROL)) {
            audit.record("enrol", AuditActions.CLAIM_REFUSED, "-", "BAD_REQUEST", address);
            reply(routingId, req, "ERROR", "BAD_REQUEST: this port serves [ENROL, claim-secret, NAME] only;"
                    + " send data to the sensors' port");
            return;
        }
        String secret = new String(body.get(1).data(), StandardCharsets.UTF_8);
        String name = new String(body.get(2).data(), StandardCharsets.UTF_8);
        if (key == null) {
            reply(routingId, req, "ERROR", "BAD_REQUEST: the connection has no CURVE key");
            return;
        }
        ClaimRedemption r;
        try {
            r = claims.redeem(secret, name, key, address);
        } catch (KeyStoreException e) {
            LOG.warn("enrol: cannot enrol '{}' from {}: {}", name, address, e.getMessage());
            reply(routingId, req, "ERROR", "UNAVAILABLE: the gateway cannot enrol now; try again later");
            return;
        }
        String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        if (!r.enrolled()) {
            if ("BAD_CLAIM".equals(r.code())) {
                // A guessed or stale secret: counted like a failed authentication.
                bans.failed(address);
            }
            audit.record("enrol", AuditActions.CLAIM_REFUSED, shown.isEmpty() ? "-" : shown,
                    (r.claimId() == 0 ? "no claim" : "claim " + r.claimId()) + ": " + r.code() + ", key " + key, address);
            LOG.info("enrol: refused '{}' from {}: {} {}", shown, address, r.code(), r.detail());
            reply(routingId, req, "ERROR", r.code() + ": " + r.detail());
            return;
        }
        keys.put(r.client());
        LOG.info("enrol: enrolled {} ({}) from {} on claim {}{}", name, key, address, r.claimId(),
                r.pending() ? ", pending approval" : "");
        reply(routingId, req, r.pending() ? "PENDING" : "ENROLLED", name);
    }

    private static String hostOf(String peer) {
        int colon = peer.lastIndexOf(':');
        return colon > 0 ? peer.substring(0, colon) : peer;
    }

    private void reply(byte[] routingId, boolean req, String kind, String detail) {
        if (!socket.send(routingId, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
            return;
        }
        if (req) {
            socket.send(new byte[0], ZMQ.SNDMORE | ZMQ.DONTWAIT);
        }
        socket.send(kind.getBytes(StandardCharsets.UTF_8), ZMQ.SNDMORE | ZMQ.DONTWAIT);
        socket.send(detail.getBytes(StandardCharsets.UTF_8), ZMQ.DONTWAIT);
    }

    /**
     * Stops serving at once, without waiting: the thread closes its socket within its next receive
     * timeout (for a gateway whose ZAP handler died). Thread-safe.
     */
    public void halt() {
        running = false;
    }

    /** Stops the thread, which closes its socket; call before closing the context. */
    @Override
    public void close() {
        running = false;
        try {
            if (!stopped.await(5, TimeUnit.SECONDS)) {
                LOG.warn("enrol: the enrolment thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
