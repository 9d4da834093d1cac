package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.BanView;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.control.ControlClient;
import org.edgegateway.core.control.ControlServer;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.AuditEntry;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/**
 * Flood defence on a real gateway: rate limits, automatic quarantine (stored, refused at ZAP,
 * surviving a restart, expiring, released), and address bans at the handshake.
 */
class FloodDefenceTest {

    /** Defaults, except that the tests, all on loopback, never ban themselves by reconnecting. */
    static AdmissionConfig admission(String... overrides) {
        Map<String, String> m = new HashMap<>();
        m.put("admission.ban.handshakes", "100000");
        m.put("admission.ban.auth-failures", "100000");
        for (int i = 0; i < overrides.length; i += 2) {
            m.put(overrides[i], overrides[i + 1]);
        }
        return AdmissionConfig.of(m);
    }

    /** High receive HWM on the gateway: floods must not reach the pipe limit (see zeromq/jeromq#1009). */
    static GatewayConfig deepQueues(GatewayConfig c) {
        return c.withReceiveHwm(200_000);
    }

    static boolean quarantined(GatewayFixture gw, String name) {
        return gw.store().clients().findByName(name).map(r -> r.status() == ClientStatus.QUARANTINED).orElse(false);
    }

    /** A JeroMQ DEALER sending as fast as it can on its own thread until stopped; counts what comes back. */
    static final class Flooder implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger quarantinedNotices = new AtomicInteger();
        final AtomicInteger acks = new AtomicInteger();
        final Thread thread;

        Flooder(ZMQ.Socket socket) {
            socket.setSndHWM(1_000_000);
            socket.setRcvHWM(1_000_000);
            thread = new Thread(() -> {
                byte[] type = "STRING".getBytes(StandardCharsets.US_ASCII);
                byte[] payload = "flood".getBytes(StandardCharsets.US_ASCII);
                while (running.get()) {
                    for (int i = 0; i < 256; i++) {
                        if (!socket.send(type, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                            break;
                        }
                        socket.send(payload, ZMQ.DONTWAIT);
                        sent.incrementAndGet();
                    }
                    byte[] f;
                    while ((f = socket.recv(ZMQ.DONTWAIT)) != null) {
                        String s = new String(f, StandardCharsets.UTF_8);
                        if (s.startsWith("QUARANTINED")) {
                            quarantinedNotices.incrementAndGet();
                        } else if (s.equals("ACK")) {
                            acks.incrementAndGet();
                        }
                    }
                }
            }, "test-flooder");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    /** Sends a message every 100 ms and expects an ACK each time, until {@code done} holds; returns the replies. */
    static List<String> politeUntil(ZMQ.Socket polite, Duration deadline, BooleanSupplier done) throws InterruptedException {
        List<String> replies = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        int n = 0;
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            send(polite, "STRING", "reading " + n++);
            List<String> r = receiveText(polite);
            replies.add(r == null ? "TIMEOUT" : r.get(0));
            Thread.sleep(100);
        }
        for (int i = 0; i < 5; i++) {
            send(polite, "STRING", "after " + i);
            List<String> r = receiveText(polite);
            replies.add(r == null ? "TIMEOUT" : r.get(0));
        }
        return replies;
    }

    @Test
    void aJeromqFlooderIsQuarantinedWhileAPoliteClientKeepsItsAcks(@TempDir Path dir) throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir, FloodDefenceTest::deepQueues, admission())) {
            ZMQ.Socket polite = gw.dealer(gw.enrol("polite"));
            send(polite, "STRING", "hello");
            assertThat(receiveText(polite).get(0)).isEqualTo("ACK");
            List<String> replies;
            Flooder flooder;
            try (Flooder f = new Flooder(gw.dealer(gw.enrol("flooder")))) {
                flooder = f;
                replies = politeUntil(polite, Duration.ofSeconds(30), () -> quarantined(gw, "flooder"));
            }
            assertThat(replies).containsOnly("ACK");
            ClientView v = gw.gateway().admin().client("flooder").orElseThrow();
            assertThat(v.status()).isEqualTo(ClientStatus.QUARANTINED);
            assertThat(v.quarantineReason()).startsWith("rate limit exceeded");
            assertThat(v.quarantineUntil()).isNotNull();
            assertThat(gw.gateway().admin().clients()).filteredOn(c -> c.name().equals("flooder"))
                    .extracting(ClientView::status).containsExactly(ClientStatus.QUARANTINED);
            assertThat(gw.gateway().admin().client("polite").orElseThrow().status()).isEqualTo(ClientStatus.ACTIVE);
            assertThat(flooder.quarantinedNotices.get()).isLessThanOrEqualTo(1);
            assertThat(flooder.sent.get()).isGreaterThan(1500);

            List<AuditEntry> audit = gw.store().audit().page(Long.MAX_VALUE, 50);
            assertThat(audit).anyMatch(a -> a.action().equals("client.quarantine") && a.subject().equals("flooder")
                    && a.actor().equals("gateway"));
            GatewayMetrics m = gw.gateway().metrics();
            assertThat(m.quarantinesAutomatic()).isEqualTo(1);
            assertThat(m.quarantines()).isEqualTo(1);
            assertThat(m.rateLimitedMessages()).isPositive();
            assertThat(m.errors(org.edgegateway.protocol.ErrorCode.RATE_LIMITED)).isLessThan(m.rateLimitedMessages());
            // Cut off, and its reconnections are refused at the handshake.
            assertThat(await(Duration.ofSeconds(20), () -> gw.gateway().admin().connections().stream()
                    .noneMatch(c -> c.clientName().equals("flooder")))).isTrue();
            assertThat(await(Duration.ofSeconds(20), () -> m.zapDenialsByReason().getOrDefault("quarantined", 0L) > 0))
                    .isTrue();
        }
    }

    @Test
    void rateLimitedAnswersAreThrottled(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, admission("admission.rate.reply-interval", "10m"))) {
            CurveKeyPair keys = gw.enrol("limited");
            gw.gateway().admin().setLimits("limited", new ClientLimits(0.01, 2, null), GatewayFixture.TEST_ADMIN);
            ZMQ.Socket s = gw.dealer(keys);
            s.setReceiveTimeOut(2000);
            for (int i = 0; i < 50; i++) {
                send(s, "STRING", "m" + i);
            }
            List<String> got = new ArrayList<>();
            List<String> r;
            while ((r = receiveText(s)) != null) {
                got.add(r.get(0) + (r.get(0).equals("ERROR") ? " " + r.get(1) : ""));
            }
            assertThat(got).containsExactlyInAnyOrder("ACK", "ACK",
                    "ERROR RATE_LIMITED: over the rate limit of this client; message dropped");
            assertThat(gw.gateway().metrics().rateLimitedMessages()).isEqualTo(48);
            assertThat(gw.gateway().metrics().rateLimitedSilently()).isEqualTo(47);
            assertThat(gw.gateway().metrics().quarantines()).isZero();
        }
    }

    /** Quarantines {@code name} by a short burst over tiny limits and waits until the store says so. */
    static ZMQ.Socket floodBriefly(GatewayFixture gw, String name, CurveKeyPair keys) {
        gw.gateway().admin().setLimits(name, new ClientLimits(1.0, 5, null), GatewayFixture.TEST_ADMIN);
        ZMQ.Socket s = gw.dealer(keys);
        for (int i = 0; i < 100; i++) {
            send(s, "STRING", "x" + i);
        }
        assertThat(await(Duration.ofSeconds(30), () -> quarantined(gw, name))).as(name + " quarantined").isTrue();
        return s;
    }

    /** Whether a fresh connection with {@code keys} gets a PONG (false: refused, no answer in 3 s). */
    static boolean admitted(GatewayFixture gw, CurveKeyPair keys) {
        ZMQ.Socket s = gw.dealer(keys);
        s.setReceiveTimeOut(3000);
        try {
            send(s, "PING");
            List<String> r = receiveText(s);
            return r != null && r.get(0).equals("PONG");
        } finally {
            gw.disconnect(s);
        }
    }

    @Test
    void anAutomaticQuarantineSurvivesARestartAndKeepsTheKeyOut(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, admission("admission.quarantine.violations", "20",
                "admission.quarantine.duration", "indefinite"))) {
            CurveKeyPair keys = gw.enrol("noisy");
            gw.disconnect(floodBriefly(gw, "noisy", keys));
            assertThat(gw.gateway().admin().client("noisy").orElseThrow().quarantineUntil()).isNull();

            gw.restart();
            ClientView v = gw.gateway().admin().client("noisy").orElseThrow();
            assertThat(v.status()).isEqualTo(ClientStatus.QUARANTINED);
            assertThat(v.quarantineReason()).startsWith("rate limit exceeded");
            assertThat(admitted(gw, keys)).isFalse();
            assertThat(await(Duration.ofSeconds(10), () -> gw.gateway().metrics().zapDenialsByReason()
                    .getOrDefault("quarantined", 0L) > 0)).isTrue();
            assertThat(gw.gateway().metrics().messagesIn()).isZero();

            gw.gateway().admin().release("noisy", GatewayFixture.TEST_ADMIN);
            assertThat(admitted(gw, keys)).isTrue();
            assertThat(gw.gateway().metrics().releases()).isEqualTo(1);
            assertThat(gw.gateway().metrics().releasesByExpiry()).isZero();
        }
    }

    @Test
    void anExpiredQuarantineIsReleasedByTheGateway(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, admission("admission.quarantine.violations", "20",
                "admission.quarantine.duration", "2s", "admission.quarantine.expiry-check", "200ms"))) {
            CurveKeyPair keys = gw.enrol("brief");
            gw.disconnect(floodBriefly(gw, "brief", keys));
            // The store shows the release a moment before the counter does: wait for both.
            assertThat(await(Duration.ofSeconds(30),
                    () -> !quarantined(gw, "brief") && gw.gateway().metrics().releasesByExpiry() > 0)).isTrue();
            assertThat(gw.gateway().metrics().releasesByExpiry()).isEqualTo(1);
            assertThat(gw.store().audit().page(Long.MAX_VALUE, 50)).anyMatch(a -> a.action().equals("client.release")
                    && a.subject().equals("brief") && a.actor().equals("gateway"));
            assertThat(admitted(gw, keys)).isTrue();
        }
    }

    @Test
    void repeatedMalformedFramesQuarantine(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, admission("admission.quarantine.malformed", "10"))) {
            ZMQ.Socket s = gw.dealer(gw.enrol("garbled"));
            for (int i = 0; i < 30; i++) {
                send(s, "JSON");
            }
            assertThat(await(Duration.ofSeconds(30), () -> quarantined(gw, "garbled"))).isTrue();
            assertThat(gw.gateway().admin().client("garbled").orElseThrow().quarantineReason())
                    .startsWith("malformed messages");
        }
    }

    /** Tries a handshake with a fresh unenrolled key; true when it was refused. */
    static boolean refusedStranger(ZContext ctx, GatewayFixture gw, CurveKeyPair keys) throws Exception {
        CompletableFuture<ZMonitor.Event> outcome = new CompletableFuture<>();
        ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
        try {
            s.setLinger(0);
            s.setHandshakeIvl(2000);
            s.setCurveServerKey(gw.serverKeys().publicKey());
            s.setCurvePublicKey(keys.publicKey());
            s.setCurveSecretKey(keys.secretKey());
            s.setEventHook((ZEvent e) -> outcome.complete(e.getEvent()),
                    ZMQ.HANDSHAKE_FAILED_AUTH | ZMQ.HANDSHAKE_SUCCEEDED);
            s.connect(gw.endpoint());
            return outcome.get(20, TimeUnit.SECONDS) == ZMonitor.Event.HANDSHAKE_FAILED_AUTH;
        } finally {
            s.close();
        }
    }

    @Test
    void aBruteForcingAddressIsBannedListedAndCanBeLifted(@TempDir Path dir) throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, admission("admission.ban.auth-failures", "5"));
             ZContext ctx = new ZContext(1)) {
            CurveKeyPair good = gw.enrol("good");
            for (int i = 0; i < 30 && gw.gateway().admin().bans().isEmpty(); i++) {
                assertThat(refusedStranger(ctx, gw, CurveKeyPair.generate())).isTrue();
            }
            List<BanView> bans = gw.gateway().admin().bans();
            assertThat(bans).singleElement().satisfies(b -> {
                assertThat(b.address()).isEqualTo("127.0.0.1");
                assertThat(b.reason()).endsWith("failed authentications within 60 s");
                assertThat(b.until()).isAfter(b.since());
            });
            assertThat(gw.gateway().metrics().bans()).isEqualTo(1);
            // Banned: even an enrolled key is refused, and without a key look-up.
            long unknownBefore = gw.gateway().metrics().zapDenialsByReason().get("unknown-key");
            assertThat(refusedStranger(ctx, gw, CurveKeyPair.generate())).isTrue();
            assertThat(admitted(gw, good)).isFalse();
            assertThat(gw.gateway().metrics().zapDenialsByReason().get("banned")).isPositive();
            assertThat(gw.gateway().metrics().zapDenialsByReason().get("unknown-key")).isEqualTo(unknownBefore);
            assertThat(await(Duration.ofSeconds(10), () -> gw.store().audit().page(Long.MAX_VALUE, 50).stream()
                    .anyMatch(a -> a.action().equals("address.ban") && a.subject().equals("127.0.0.1")))).isTrue();

            // Listed and lifted through the control channel, as the CLI does.
            Path sock = dir.resolve("control.sock");
            try (ControlServer server = ControlServer.start(sock, gw.gateway().admin());
                 ControlClient cli = ControlClient.connect(sock).orElseThrow()) {
                assertThat(cli.bans()).extracting(BanView::address).containsExactly("127.0.0.1");
                cli.removeBan("127.0.0.1", new org.edgegateway.core.admin.Actor("cli:tester", "local"));
                assertThat(cli.bans()).isEmpty();
                assertThatThrownBy(() -> cli.removeBan("127.0.0.1", new org.edgegateway.core.admin.Actor("cli:tester", "local")))
                        .isInstanceOfSatisfying(AdminException.class,
                                e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.NOT_FOUND));
                assertThatThrownBy(() -> cli.removeBan("not an address", new org.edgegateway.core.admin.Actor("cli:tester", "local")))
                        .isInstanceOfSatisfying(AdminException.class,
                                e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.INVALID));
            }
            assertThat(admitted(gw, good)).isTrue();
            assertThat(gw.gateway().metrics().bansRemoved()).isEqualTo(1);
            assertThat(gw.store().audit().page(Long.MAX_VALUE, 50)).anyMatch(a -> a.action().equals("address.unban")
                    && a.subject().equals("127.0.0.1") && a.actor().equals("cli:tester"));
        }
    }

    @Test
    void aLibzmqFlooderIsQuarantinedWhileAPoliteClientKeepsItsAcks(@TempDir Path dir) throws Exception {
        assumeTrue(PyzmqInteropTest.pyzmqAvailable(), "Debian's python3-zmq is not installed");
        try (GatewayFixture gw = GatewayFixture.start(dir.resolve("gw"), FloodDefenceTest::deepQueues, admission())) {
            Path certs = Files.createDirectories(dir.resolve("certs"));
            CurveKeyPair flooderKeys = CurveKeyPair.generate();
            ZCertFiles.writePair(certs, "py-flooder", flooderKeys, Map.of("name", "py-flooder"));
            ZCertFiles.writePublic(certs.resolve("server.key"), ZCert.ofPublic(gw.serverKeys().publicKey(), Map.of()));
            gw.gateway().admin().enrol("py-flooder", flooderKeys.publicZ85(), GatewayFixture.TEST_ADMIN);
            ZMQ.Socket polite = gw.dealer(gw.enrol("polite"));
            send(polite, "STRING", "hello");
            assertThat(receiveText(polite).get(0)).isEqualTo("ACK");

            Path script = dir.resolve("flooder.py");
            try (InputStream in = getClass().getResourceAsStream("/python/flooder.py")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Process p = new ProcessBuilder(PyzmqInteropTest.PYTHON, script.toString(), gw.endpoint(),
                    certs.resolve("py-flooder.key_secret").toString(), certs.resolve("server.key").toString(), "8")
                    .redirectErrorStream(true).start();
            try {
                List<String> replies = politeUntil(polite, Duration.ofSeconds(30), () -> quarantined(gw, "py-flooder"));
                assertThat(replies).containsOnly("ACK");
                assertThat(quarantined(gw, "py-flooder")).isTrue();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertThat(out).as(out).startsWith("sent=");
                Map<String, Long> counts = new HashMap<>();
                for (String kv : out.lines().reduce((a, b) -> b).orElseThrow().split(" ")) {
                    counts.put(kv.substring(0, kv.indexOf('=')), Long.parseLong(kv.substring(kv.indexOf('=') + 1)));
                }
                assertThat(counts.get("sent")).isGreaterThan(1500);
                assertThat(counts.get("quarantined")).isLessThanOrEqualTo(1);
                assertThat(counts.get("replies")).isLessThan(counts.get("sent") / 2);
            } finally {
                p.destroyForcibly();
            }
            assertThat(gw.gateway().admin().client("py-flooder").orElseThrow().quarantineReason())
                    .startsWith("rate limit exceeded");
            assertThat(gw.gateway().metrics().quarantinesAutomatic()).isEqualTo(1);
        }
    }
}
