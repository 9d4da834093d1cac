package org.edgegateway.core.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.plugins.PluginHost;
import org.edgegateway.core.pubsub.PubSubConfig;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.plugin.api.MessageHandler;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A real gateway for tests: an H2 file key store under a temporary folder, a fresh server key, the
 * ROUTER on an ephemeral loopback port, the signed built-in plugins ({@link BuiltinPlugins}, in
 * {@code dir/plugin-host}) serving STRING, JSON and BINARY with the lane limits of the gateway's
 * configuration, and helpers to enrol keys and connect real CURVE clients. Extra handlers a test
 * passes serve beside them. Not thread-safe; close it at the end of the test.
 */
public final class GatewayFixture implements AutoCloseable {
    public static final Actor TEST_ADMIN = new Actor("test-admin", "local");

    private final Path dir;
    private final KeyStore store;
    private final CurveKeyPair serverKeys;
    private final ZContext clients = new ZContext(1);
    private final List<ZMQ.Socket> sockets = new ArrayList<>();
    private final GatewayConfig config;
    private final AdmissionConfig admission;
    private final PluginHost plugins;
    private final HandlerLookup handlers;
    private final PubSubConfig pubsub;
    private final org.edgegateway.core.enrol.EnrolConfig enrol;
    private Gateway gateway;

    private GatewayFixture(Path dir, GatewayConfig config, AdmissionConfig admission, PubSubConfig pubsub,
                           org.edgegateway.core.enrol.EnrolConfig enrol, List<MessageHandler> extra) {
        this.dir = dir;
        this.enrol = enrol;
        this.config = config;
        this.admission = admission;
        this.pubsub = pubsub;
        this.plugins = BuiltinPlugins.start(dir.resolve("plugin-host"), config.laneLimits());
        try {
            HandlerLookup own = HandlerLookup.of(config.laneLimits(), extra);
            for (String type : own.types()) {
                if (plugins.route(type) != null) {
                    throw new IllegalArgumentException("type " + type + " is served by a built-in plugin already");
                }
            }
            this.handlers = HandlerLookup.union(plugins, own);
        } catch (RuntimeException e) {
            plugins.close();
            throw e;
        }
        this.store = KeyStore.open(KeyStore.fileUrl(dir.resolve("data")));
        this.serverKeys = CurveKeyPair.generate();
    }

    /** A started gateway with the built-in plugins and the default configuration on 127.0.0.1:*. */
    public static GatewayFixture start(Path dir) {
        return start(dir, c -> c);
    }

    public static GatewayFixture start(Path dir, UnaryOperator<GatewayConfig> tweak, MessageHandler... extra) {
        return start(dir, tweak, AdmissionConfig.defaults(), extra);
    }

    /** A started gateway with flood defence set by {@code admission} (tests set thresholds to suit them). */
    public static GatewayFixture start(Path dir, UnaryOperator<GatewayConfig> tweak, AdmissionConfig admission,
                                       MessageHandler... extra) {
        return start(dir, tweak, admission, null, extra);
    }

    /** As above, with the topic publisher on {@code pubsub} (null: none). */
    public static GatewayFixture start(Path dir, UnaryOperator<GatewayConfig> tweak, AdmissionConfig admission,
                                       PubSubConfig pubsub, MessageHandler... extra) {
        return start(dir, tweak, admission, pubsub, null, extra);
    }

    /** As above, with the enrolment port on {@code enrol} (null: none). */
    public static GatewayFixture start(Path dir, UnaryOperator<GatewayConfig> tweak, AdmissionConfig admission,
                                       PubSubConfig pubsub, org.edgegateway.core.enrol.EnrolConfig enrol,
                                       MessageHandler... extra) {
        GatewayFixture f = new GatewayFixture(dir, tweak.apply(GatewayConfig.defaults("tcp://127.0.0.1:*")), admission,
                pubsub, enrol, Arrays.asList(extra));
        try {
            f.gateway = f.startGateway(f.config);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    /** A gateway with the topic publisher on an ephemeral loopback port and flood defence set by {@code admission}. */
    public static GatewayFixture withPubSub(Path dir, AdmissionConfig admission, MessageHandler... extra) {
        return start(dir, c -> c, admission, PubSubConfig.defaults("tcp://127.0.0.1:*"), extra);
    }

    private Gateway startGateway(GatewayConfig c) {
        return Gateway.start(c, admission, pubsub, null, enrol, null, store, serverKeys, handlers, Clock.systemUTC());
    }

    /** Stops the gateway and starts a new one on the same port, store and key. */
    public void restart() {
        String endpoint = gateway.boundEndpoint();
        gateway.close();
        gateway = startGateway(config.withEndpoint(endpoint));
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The host of the built-in plugins behind the gateway. */
    public PluginHost plugins() {
        return plugins;
    }

    public KeyStore store() {
        return store;
    }

    public CurveKeyPair serverKeys() {
        return serverKeys;
    }

    public String endpoint() {
        return gateway.boundEndpoint();
    }

    public Path dir() {
        return dir;
    }

    /** Enrols a fresh key pair under {@code name} and returns it. */
    public CurveKeyPair enrol(String name) {
        CurveKeyPair pair = CurveKeyPair.generate();
        gateway.admin().enrol(name, pair.publicZ85(), TEST_ADMIN);
        return pair;
    }

    /** A CURVE DEALER with {@code keys} connected to the enrolment port, receive timeout 10 s; closed with the fixture. */
    public ZMQ.Socket enrolDealer(CurveKeyPair keys) {
        ZMQ.Socket s = clientSocket(SocketType.DEALER, keys);
        s.connect(gateway.enrolBoundEndpoint());
        return s;
    }

    /** A CURVE DEALER connected with {@code keys}, receive timeout 10 s; closed with the fixture. */
    public ZMQ.Socket dealer(CurveKeyPair keys) {
        return connect(SocketType.DEALER, keys, null);
    }

    public ZMQ.Socket connect(SocketType type, CurveKeyPair keys, byte[] identity) {
        ZMQ.Socket s = clientSocket(type, keys);
        if (identity != null) {
            s.setIdentity(identity);
        }
        s.connect(gateway.boundEndpoint());
        return s;
    }

    /** A CURVE client socket set up for this gateway but not connected yet; closed with the fixture. */
    public ZMQ.Socket clientSocket(SocketType type, CurveKeyPair keys) {
        ZMQ.Socket s = curveSocket(clients, type, serverKeys.publicKey(), keys);
        sockets.add(s);
        return s;
    }

    /**
     * A CURVE client socket in {@code context} with {@code keys}, for the gateway whose public key is
     * {@code serverKey}, not connected yet: linger 0, send and receive timeouts 10 s.
     */
    public static ZMQ.Socket curveSocket(ZContext context, SocketType type, byte[] serverKey, CurveKeyPair keys) {
        ZMQ.Socket s = context.createSocket(type);
        s.setLinger(0);
        s.setReceiveTimeOut(10_000);
        s.setSendTimeOut(10_000);
        // JeroMQ 0.6.0 clients leave a few percent of fresh connections stuck before the ZMTP
        // greeting; a short handshake limit makes them reconnect (see docs/ARCHITECTURE.md).
        s.setHandshakeIvl(2000);
        s.setCurveServerKey(serverKey);
        s.setCurvePublicKey(keys.publicKey());
        s.setCurveSecretKey(keys.secretKey());
        return s;
    }

    /** Sends frames as one multipart message. */
    public static void send(ZMQ.Socket s, byte[]... frames) {
        for (int i = 0; i < frames.length; i++) {
            s.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    public static void send(ZMQ.Socket s, String... frames) {
        byte[][] b = new byte[frames.length][];
        for (int i = 0; i < frames.length; i++) {
            b[i] = frames[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        send(s, b);
    }

    /** Receives one multipart message, or null on timeout. */
    public static List<byte[]> receive(ZMQ.Socket s) {
        byte[] first = s.recv(0);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (s.hasReceiveMore()) {
            frames.add(s.recv(0));
        }
        return frames;
    }

    /** Receives one message as strings, or null on timeout. */
    public static List<String> receiveText(ZMQ.Socket s) {
        List<byte[]> frames = receive(s);
        if (frames == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (byte[] f : frames) {
            out.add(new String(f, java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes. */
    public static boolean await(Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** Closes a client socket before the fixture ends. */
    public void disconnect(ZMQ.Socket s) {
        sockets.remove(s);
        s.close();
    }

    @Override
    public void close() {
        for (ZMQ.Socket s : sockets) {
            s.close();
        }
        clients.close();
        if (gateway != null) {
            gateway.close();
        }
        plugins.close();
        store.close();
    }
}
