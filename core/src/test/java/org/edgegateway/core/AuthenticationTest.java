package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.AuditEntry;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZEvent;
import org.zeromq.ZMQ;
import org.zeromq.ZMonitor;

/** Who gets in, who is cut off, and that identity is the authenticated key. */
class AuthenticationTest {

    /** WHO: answers with the authenticated client name the handler saw and the payload. */
    static final class WhoHandler implements MessageHandler {
        @Override
        public Set<String> types() {
            return Set.of("WHO");
        }

        @Override
        public HandlerResult handle(HandlerMessage m) {
            return HandlerResult.ack(m.clientName() + ":" + m.payloadText());
        }
    }

    @Test
    void unknownKeyIsRefusedWithoutAReplyAndAudited(@TempDir Path dir) throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir); ZContext ctx = new ZContext(1)) {
            CurveKeyPair stranger = CurveKeyPair.generate();
            CompletableFuture<ZMonitor.Event> refused = new CompletableFuture<>();
            ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
            s.setHandshakeIvl(2000);
            s.setCurveServerKey(gw.serverKeys().publicKey());
            s.setCurvePublicKey(stranger.publicKey());
            s.setCurveSecretKey(stranger.secretKey());
            s.setReceiveTimeOut(1500);
            s.setEventHook((ZEvent e) -> {
                if (e.getEvent() == ZMonitor.Event.HANDSHAKE_FAILED_AUTH) {
                    refused.complete(e.getEvent());
                }
            }, ZMQ.HANDSHAKE_FAILED_AUTH);
            s.connect(gw.endpoint());
            send(s, "JSON", "{}");
            assertThat(refused.get(20, TimeUnit.SECONDS)).isEqualTo(ZMonitor.Event.HANDSHAKE_FAILED_AUTH);
            assertThat(receiveText(s)).isNull();
            assertThat(gw.gateway().metrics().messagesIn()).isZero();
            assertThat(gw.gateway().metrics().zapDenialsByReason()).containsKey("unknown-key");
            assertThat(await(Duration.ofSeconds(10), () -> gw.store().audit().page(Long.MAX_VALUE, 50).stream()
                    .anyMatch(a -> a.action().equals("auth.denied") && a.subject().equals(stranger.publicZ85())
                            && "127.0.0.1".equals(a.source())))).isTrue();
            s.close();
        }
    }

    @Test
    void aQuarantinedKeyIsRefusedWithTheRealCauseInTheAuditLog(@TempDir Path dir) throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            CurveKeyPair keys = gw.enrol("noisy");
            gw.gateway().admin().quarantine("noisy", "floods at night", Duration.ofMinutes(15), GatewayFixture.TEST_ADMIN);
            ZMQ.Socket s = gw.clientSocket(SocketType.DEALER, keys);
            CompletableFuture<ZMonitor.Event> refused = new CompletableFuture<>();
            s.setEventHook((ZEvent e) -> {
                if (e.getEvent() == ZMonitor.Event.HANDSHAKE_FAILED_AUTH) {
                    refused.complete(e.getEvent());
                }
            }, ZMQ.HANDSHAKE_FAILED_AUTH);
            s.connect(gw.gateway().boundEndpoint());
            send(s, "JSON", "{}");
            assertThat(refused.get(20, TimeUnit.SECONDS)).isEqualTo(ZMonitor.Event.HANDSHAKE_FAILED_AUTH);
            assertThat(await(Duration.ofSeconds(10), () -> gw.store().audit().page(Long.MAX_VALUE, 50).stream()
                    .anyMatch(a -> a.action().equals("auth.denied") && a.subject().equals(keys.publicZ85())
                            && a.detail().startsWith("quarantined: client noisy is quarantined until 20")
                            && a.detail().contains(" by test-admin: floods at night")))).isTrue();
            assertThat(gw.store().audit().page(Long.MAX_VALUE, 50)).noneMatch(a -> a.detail() != null
                    && a.detail().contains("not enrolled, revoked or banned"));
            s.close();
        }
    }

    @Test
    void revokedWhileConnectedIsCutOff(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            ZMQ.Socket s = gw.dealer(gw.enrol("doomed"));
            send(s, "JSON", "{\"n\":1}");
            assertThat(receiveText(s).get(0)).isEqualTo("ACK");
            assertThat(await(Duration.ofSeconds(10), () -> gw.gateway().admin().connections().stream()
                    .anyMatch(c -> c.clientName().equals("doomed")))).isTrue();

            long before = System.nanoTime();
            ClientView v = gw.gateway().admin().revoke("doomed", GatewayFixture.TEST_ADMIN);
            assertThat(v.status()).isEqualTo(ClientStatus.REVOKED);
            // revoke() returns once the router has shut the client's connection down.
            assertThat(await(Duration.ofSeconds(10), () -> gw.gateway().admin().connections().stream()
                    .noneMatch(c -> c.clientName().equals("doomed")))).isTrue();
            long elapsedMs = (System.nanoTime() - before) / 1_000_000;
            System.out.println("revoked client left the connected list after " + elapsedMs + " ms");

            // Whatever it sends now is refused or dropped; nothing more is processed for this key.
            long processed = gw.gateway().metrics().acks();
            s.setReceiveTimeOut(2000);
            send(s, "JSON", "{\"n\":2}");
            List<String> reply = receiveText(s);
            if (reply != null) {
                assertThat(reply).containsExactly("ERROR", "REVOKED: the key of this client has been revoked");
            }
            assertThat(gw.gateway().metrics().acks()).isEqualTo(processed);
            // Its reconnection attempts are refused at the handshake.
            assertThat(await(Duration.ofSeconds(10), () -> gw.gateway().metrics().zapDenialsByReason()
                    .containsKey("revoked"))).isTrue();
        }
    }

    @Test
    void identitySquattingNeverCrossesClients(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, new WhoHandler())) {
            byte[] identity = "sensor-A".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ZMQ.Socket a = gw.connect(SocketType.DEALER, gw.enrol("alice"), identity);
            send(a, "WHO", "a0");
            assertThat(receiveText(a)).containsExactly("ACK", "alice:a0");

            // Mallory, also enrolled, claims Alice's routing id.
            ZMQ.Socket m = gw.connect(SocketType.DEALER, gw.enrol("mallory"), identity);
            m.setReceiveTimeOut(1000);
            a.setReceiveTimeOut(5000);
            for (int i = 0; i < 5; i++) {
                send(m, "WHO", "m" + i);
                send(a, "WHO", "a" + (i + 1));
            }
            List<String> aliceGot = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                List<String> r = receiveText(a);
                assertThat(r).isNotNull();
                aliceGot.add(r.get(1));
            }
            assertThat(aliceGot).containsExactly("alice:a1", "alice:a2", "alice:a3", "alice:a4", "alice:a5");
            // Whatever Mallory gets back was processed as Mallory, never as Alice.
            List<String> r;
            while ((r = receiveText(m)) != null) {
                assertThat(r.get(1)).startsWith("mallory:");
            }
        }
    }

    @Test
    void quarantinedKeyIsRefusedAndReleaseLetsItBackIn(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            CurveKeyPair keys = gw.enrol("noisy");
            ZMQ.Socket s = gw.dealer(keys);
            send(s, "PING");
            assertThat(receiveText(s).get(0)).isEqualTo("PONG");
            gw.gateway().admin().quarantine("noisy", "test", Duration.ofMinutes(5), GatewayFixture.TEST_ADMIN);
            assertThat(await(Duration.ofSeconds(10), () -> gw.gateway().admin().connections().isEmpty())).isTrue();
            assertThat(gw.gateway().admin().client("noisy").orElseThrow().status()).isEqualTo(ClientStatus.QUARANTINED);

            gw.gateway().admin().release("noisy", GatewayFixture.TEST_ADMIN);
            ZMQ.Socket again = gw.dealer(keys);
            send(again, "PING");
            assertThat(receiveText(again)).containsExactly("PONG", "");
            List<AuditEntry> audit = gw.store().audit().page(Long.MAX_VALUE, 20);
            assertThat(audit).extracting(AuditEntry::action).contains("client.quarantine", "client.release", "client.enrol");
        }
    }

    @Test
    void connectionTableShowsPeerAndTrafficAndForgetsClosedClients(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            ZMQ.Socket s = gw.dealer(gw.enrol("watched"));
            for (int i = 0; i < 3; i++) {
                send(s, "STRING", "hello");
                assertThat(receiveText(s).get(0)).isEqualTo("ACK");
            }
            assertThat(await(Duration.ofSeconds(10), () -> gw.gateway().admin().connections().stream()
                    .anyMatch(c -> c.clientName().equals("watched") && c.messages() == 3))).isTrue();
            var conn = gw.gateway().admin().connections().get(0);
            assertThat(conn.peerAddress()).startsWith("127.0.0.1:");
            assertThat(conn.bytes()).isEqualTo(3 * ("STRING".length() + "hello".length()));
            assertThat(conn.lastMessageAt()).isNotNull();
            assertThat(gw.gateway().admin().client("watched").orElseThrow().connected()).isTrue();

            gw.disconnect(s);
            assertThat(await(Duration.ofSeconds(10), () -> gw.gateway().admin().connections().isEmpty())).isTrue();
            assertThat(gw.gateway().admin().client("watched").orElseThrow().connected()).isFalse();
        }
    }
}
