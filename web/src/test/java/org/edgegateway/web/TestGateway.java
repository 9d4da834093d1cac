package org.edgegateway.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.plugins.ClientPush;
import org.edgegateway.core.plugins.PluginHost;
import org.edgegateway.core.plugins.PluginHostConfig;
import org.edgegateway.core.plugins.PluginSignatures;
import org.edgegateway.core.plugins.TrustedPublishers;
import org.edgegateway.core.testing.BuiltinPlugins;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A real gateway (CURVE ROUTER on an ephemeral port, H2 key store in a temporary directory) with the
 * admin web server in front of it on an ephemeral HTTPS port, serving the signed built-in plugins
 * ({@link BuiltinPlugins}) with no plugin host for the admin to manage. {@link #withPlugins} puts a
 * plugin host the admin manages behind it instead: the built-in STRING and BINARY plugins, signed by
 * a publisher key the host trusts ({@link #publisherKey}), unsigned plugins refused. Not thread-safe.
 */
final class TestGateway implements AutoCloseable {
    final Path home;
    final MutableClock webClock = new MutableClock(Instant.now());
    final KeyStore store;
    final CurveKeyPair serverKeys = CurveKeyPair.generate();
    final PluginHost plugins;
    /** The host of the built-in plugins when there is no {@link #plugins} host, else null. */
    private final PluginHost builtins;
    final Path publisherKey;
    final Gateway gateway;
    final AdminWebServer web;
    final WebConfig config;

    TestGateway(Path home) {
        this(home, c -> c);
    }

    TestGateway(Path home, UnaryOperator<WebConfig> tweak) {
        this(home, tweak, false, AdmissionConfig.defaults(), AdminWebServer.DEFAULT_MAX_PLUGIN_UPLOAD,
                new Semaphore(AdminWebServer.PASSWORD_HASHING_SLOTS));
    }

    /** A gateway whose logins hash passwords in {@code slots} (a test holds them to see logins refused). */
    static TestGateway withHashingSlots(Path home, Semaphore slots) {
        return new TestGateway(home, c -> c, false, AdmissionConfig.defaults(), AdminWebServer.DEFAULT_MAX_PLUGIN_UPLOAD,
                slots);
    }

    /** A gateway with a plugin host, flood defence set by {@code admission}, and a plugin upload limit. */
    static TestGateway withPlugins(Path home, AdmissionConfig admission, long maxPluginUpload) {
        return new TestGateway(home, c -> c, true, admission, maxPluginUpload,
                new Semaphore(AdminWebServer.PASSWORD_HASHING_SLOTS));
    }

    /** A gateway with the built-in handlers and flood defence set by {@code admission}. */
    static TestGateway withAdmission(Path home, AdmissionConfig admission) {
        return new TestGateway(home, c -> c, false, admission, AdminWebServer.DEFAULT_MAX_PLUGIN_UPLOAD,
                new Semaphore(AdminWebServer.PASSWORD_HASHING_SLOTS));
    }

    /** A gateway with the built-in handlers and an enrolment port on an ephemeral loopback port. */
    static TestGateway withEnrolment(Path home) {
        return new TestGateway(home, c -> c, false, AdmissionConfig.defaults(), AdminWebServer.DEFAULT_MAX_PLUGIN_UPLOAD,
                new Semaphore(AdminWebServer.PASSWORD_HASHING_SLOTS),
                org.edgegateway.core.enrol.EnrolConfig.defaults("tcp://127.0.0.1:*"));
    }

    /** {@link #withPlugins}, flood defence set by {@code admission}, and an enrolment port as {@link #withEnrolment}. */
    static TestGateway withPluginsAndEnrolment(Path home, AdmissionConfig admission) {
        return new TestGateway(home, c -> c, true, admission, AdminWebServer.DEFAULT_MAX_PLUGIN_UPLOAD,
                new Semaphore(AdminWebServer.PASSWORD_HASHING_SLOTS),
                org.edgegateway.core.enrol.EnrolConfig.defaults("tcp://127.0.0.1:*"));
    }

    private TestGateway(Path home, UnaryOperator<WebConfig> tweak, boolean withPlugins, AdmissionConfig admission,
                        long maxPluginUpload, Semaphore hashingSlots) {
        this(home, tweak, withPlugins, admission, maxPluginUpload, hashingSlots, null);
    }

    private TestGateway(Path home, UnaryOperator<WebConfig> tweak, boolean withPlugins, AdmissionConfig admission,
                        long maxPluginUpload, Semaphore hashingSlots, org.edgegateway.core.enrol.EnrolConfig enrol) {
        this.home = home;
        this.store = KeyStore.open(KeyStore.fileUrl(home.resolve("data")));
        HandlerLookup handlers;
        if (withPlugins) {
            GatewayHome gatewayHome = new GatewayHome(home);
            Path bundle = home.resolve("bundle-plugins");
            this.publisherKey = home.resolve("release.key");
            try {
                Files.createDirectories(bundle);
                PluginSignatures.generate(publisherKey, home.resolve("release.pub"), "web tests");
                for (String name : List.of("string", "binary")) {
                    Path zip = Files.copy(TestPlugins.builtin(name), bundle.resolve("edge-gateway-plugin-" + name + ".zip"));
                    PluginSignatures.sign(zip, publisherKey);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            new TrustedPublishers(gatewayHome.keys().resolve("publishers")).trust(home.resolve("release.pub"));
            this.plugins = PluginHost.start(PluginHostConfig.defaults(gatewayHome, bundle), ClientPush.NONE);
            this.builtins = null;
            handlers = plugins;
        } else {
            this.plugins = null;
            this.publisherKey = null;
            this.builtins = BuiltinPlugins.start(home.resolve("builtin-plugins"));
            handlers = builtins;
        }
        this.gateway = Gateway.start(GatewayConfig.defaults("tcp://127.0.0.1:*"), admission, null,
                org.edgegateway.core.workers.WorkerConfig.defaults("tcp://127.0.0.1:*"), enrol,
                plugins, store, serverKeys, handlers, Clock.systemUTC());
        this.config = tweak.apply(WebConfig.defaults(home).withPort(0));
        this.web = new AdminWebServer(config, gateway.admin(), store,
                () -> "# TYPE egw_messages_in_total counter\negw_messages_in_total " + gateway.metrics().messagesIn() + "\n",
                gateway.health(), webClock, maxPluginUpload, hashingSlots);
        web.start();
    }

    private String initialPassword;

    /** The first password, read from its file (which the first password change deletes) once. */
    String initialPassword() throws java.io.IOException {
        if (initialPassword == null) {
            initialPassword = Files.readString(config.initialPasswordFile()).strip();
        }
        return initialPassword;
    }

    String baseUrl() {
        return "https://127.0.0.1:" + web.port();
    }

    /** A CURVE DEALER of {@code keys} connected to the gateway; receive timeout 30 s. */
    ZMQ.Socket dealer(ZContext context, CurveKeyPair keys) {
        return dealer(context, keys, gateway.boundEndpoint());
    }

    /** As {@link #dealer}, connected to the enrolment port (a gateway made {@link #withEnrolment}). */
    ZMQ.Socket enrolling(ZContext context, CurveKeyPair keys) {
        return dealer(context, keys, gateway.enrolBoundEndpoint());
    }

    private ZMQ.Socket dealer(ZContext context, CurveKeyPair keys, String endpoint) {
        ZMQ.Socket s = context.createSocket(SocketType.DEALER);
        s.setLinger(0);
        s.setReceiveTimeOut(30_000);
        s.setSendTimeOut(10_000);
        // JeroMQ 0.6.0 clients leave a few percent of fresh connections stuck before the ZMTP
        // greeting; a short handshake limit makes them reconnect (see docs/ARCHITECTURE.md).
        s.setHandshakeIvl(2000);
        s.setCurveServerKey(serverKeys.publicKey());
        s.setCurvePublicKey(keys.publicKey());
        s.setCurveSecretKey(keys.secretKey());
        s.connect(endpoint);
        return s;
    }

    /** {@link #dealer} of an enrolled client, returned once the gateway answered its PING. */
    ZMQ.Socket connected(ZContext context, CurveKeyPair keys) {
        ZMQ.Socket s = dealer(context, keys);
        if (!awaitPong(s)) {
            throw new AssertionError("no PONG from the gateway within 30 s; handshakes allowed "
                    + gateway.metrics().handshakesAllowed() + ", refused " + gateway.metrics().zapDenialsByReason()
                    + ", stats " + gateway.admin().stats() + ", connections " + gateway.admin().connections());
        }
        return s;
    }

    /**
     * Sends PING until a PONG comes back, for up to 30 s: true when it did. A PING is sent again
     * every 2 s, so one lost while the connection was still being set up on a loaded machine does
     * not fail the test; {@link #exchange} skips the PONGs of the extra PINGs.
     */
    static boolean awaitPong(ZMQ.Socket s) {
        int timeout = s.getReceiveTimeOut();
        s.setReceiveTimeOut(2_000);
        try {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            for (int pings = 1; System.nanoTime() < deadline; pings++) {
                s.send("PING");
                List<String> reply = receive(s);
                if (reply != null && reply.get(0).equals("PONG")) {
                    if (pings > 1) {
                        org.slf4j.LoggerFactory.getLogger(TestGateway.class).warn("test client: PONG after {} PINGs", pings);
                    }
                    return true;
                }
            }
            return false;
        } finally {
            s.setReceiveTimeOut(timeout);
        }
    }

    /** Sends {@code [type, payload]} and returns the reply frames as text, or null after the receive timeout. */
    static List<String> exchange(ZMQ.Socket s, String type, String payload) {
        s.send(type, ZMQ.SNDMORE);
        s.send(payload);
        while (true) {
            List<String> reply = receive(s);
            if (reply == null || !reply.get(0).equals("PONG")) {
                return reply;
            }
        }
    }

    /** One reply as text frames, or null after the receive timeout. */
    static List<String> receive(ZMQ.Socket s) {
        byte[] first = s.recv();
        if (first == null) {
            return null;
        }
        List<String> out = new java.util.ArrayList<>();
        out.add(new String(first, java.nio.charset.StandardCharsets.UTF_8));
        while (s.hasReceiveMore()) {
            out.add(s.recvStr());
        }
        return out;
    }

    @Override
    public void close() {
        web.close();
        gateway.close();
        if (plugins != null) {
            plugins.close();
        }
        if (builtins != null) {
            builtins.close();
        }
        store.close();
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code timeout} passes; whether it held. */
    static boolean eventually(java.time.Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
