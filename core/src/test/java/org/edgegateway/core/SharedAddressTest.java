package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.BanView;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Many enrolled clients behind one address (a NAT, a cellular router), all on 127.0.0.1 with the
 * loopback exemption off and the default thresholds: their reconnect after a restart is served, an
 * attacker from the same address is still banned, and one key in a reconnect loop is quarantined
 * alone.
 */
@Timeout(300)
class SharedAddressTest {
    private static final int SITE = 150;

    @Test
    void aWholeSiteReconnectingAtOnceIsServed(@TempDir Path dir) {
        AdmissionConfig defaults = AdmissionConfig.defaults();
        assertThat(defaults.banExemptLoopback()).isFalse();
        assertThat(defaults.banHandshakes()).isLessThan(SITE);
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, defaults)) {
            List<CurveKeyPair> sensors = new ArrayList<>();
            for (int i = 0; i < SITE; i++) {
                sensors.add(gw.enrol("sensor-" + i));
            }
            // All at once, as after a restart of the gateway.
            Map<Integer, ZMQ.Socket> waiting = new LinkedHashMap<>();
            for (int i = 0; i < SITE; i++) {
                waiting.put(i, gw.dealer(sensors.get(i)));
            }
            for (ZMQ.Socket s : waiting.values()) {
                send(s, "PING");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            long nextPing = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                waiting.values().removeIf(s -> {
                    byte[] f = s.recv(ZMQ.DONTWAIT);
                    if (f == null) {
                        return false;
                    }
                    while (s.hasReceiveMore()) {
                        s.recv(0);
                    }
                    return new String(f, StandardCharsets.UTF_8).equals("PONG");
                });
                if (System.nanoTime() > nextPing) {
                    // A JeroMQ client whose first connection stalled before the greeting tries again.
                    waiting.values().forEach(s -> s.send("PING", ZMQ.DONTWAIT));
                    nextPing = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
                sleep(20);
            }
            assertThat(waiting.keySet()).as("sensors without an answer; bans " + gw.gateway().admin().bans()).isEmpty();
            assertThat(gw.gateway().admin().bans()).isEmpty();
            assertThat(gw.gateway().metrics().bans()).isZero();
            assertThat(gw.gateway().metrics().handshakesAllowed()).isGreaterThanOrEqualTo(SITE);
        }
    }

    @Test
    void aLoopOfUnknownKeysFromTheSameAddressIsStillBanned(@TempDir Path dir) throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, AdmissionConfig.defaults());
             ZContext ctx = new ZContext(1)) {
            CurveKeyPair member = gw.enrol("member");
            for (int i = 0; i < 50 && gw.gateway().admin().bans().isEmpty(); i++) {
                assertThat(FloodDefenceTest.refusedStranger(ctx, gw, CurveKeyPair.generate())).isTrue();
            }
            assertThat(gw.gateway().admin().bans()).singleElement().satisfies(b -> {
                assertThat(b.address()).isEqualTo("127.0.0.1");
                assertThat(b.reason()).endsWith("failed authentications within 60 s");
            });
            assertThat(FloodDefenceTest.admitted(gw, member)).as("banned: even an enrolled key").isFalse();
        }
    }

    @Test
    void connectionsThatNeverFinishTheirHandshakeGetTheAddressBanned(@TempDir Path dir) throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, AdmissionConfig.defaults())) {
            CurveKeyPair member = gw.enrol("member");
            int colon = gw.endpoint().lastIndexOf(':');
            InetSocketAddress router = new InetSocketAddress("127.0.0.1", Integer.parseInt(gw.endpoint().substring(colon + 1)));
            for (int i = 0; i < 200 && gw.gateway().admin().bans().isEmpty(); i++) {
                try (Socket s = new Socket()) {
                    s.connect(router, 5000);
                    OutputStream out = s.getOutputStream();
                    // Not a ZMTP greeting.
                    out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                if (i % 20 == 19) {
                    await(Duration.ofSeconds(2), () -> !gw.gateway().admin().bans().isEmpty());
                }
            }
            assertThat(await(Duration.ofSeconds(20), () -> !gw.gateway().admin().bans().isEmpty())).isTrue();
            BanView ban = gw.gateway().admin().bans().get(0);
            assertThat(ban.address()).isEqualTo("127.0.0.1");
            assertThat(ban.reason()).endsWith("failed or abandoned handshakes within 10 s");
            assertThat(FloodDefenceTest.admitted(gw, member)).isFalse();
        }
    }

    @Test
    void oneKeyReconnectingInATightLoopIsQuarantinedNotTheAddress(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir, c -> c, AdmissionConfig.defaults())) {
            CurveKeyPair looper = gw.enrol("looper");
            CurveKeyPair neighbour = gw.enrol("neighbour");
            ZMQ.Socket steady = gw.dealer(neighbour);
            send(steady, "PING");
            assertThat(receiveText(steady)).containsExactly("PONG", "");

            for (int i = 0; i < 300 && !FloodDefenceTest.quarantined(gw, "looper"); i++) {
                ZMQ.Socket s = gw.dealer(looper);
                s.setReceiveTimeOut(1000);
                send(s, "PING");
                receiveText(s);
                gw.disconnect(s);
            }
            assertThat(await(Duration.ofSeconds(20), () -> FloodDefenceTest.quarantined(gw, "looper"))).isTrue();
            ClientView v = gw.gateway().admin().client("looper").orElseThrow();
            assertThat(v.status()).isEqualTo(ClientStatus.QUARANTINED);
            assertThat(v.quarantineReason()).startsWith("reconnect loop: ").endsWith("handshakes within 10 s");
            assertThat(v.quarantineUntil()).isNotNull();
            assertThat(gw.store().audit().page(Long.MAX_VALUE, 50)).anyMatch(a -> a.action().equals("client.quarantine")
                    && a.subject().equals("looper") && a.actor().equals("gateway"));

            // Its neighbours on the same address are served, old connections and new ones alike.
            assertThat(gw.gateway().admin().bans()).isEmpty();
            send(steady, "PING");
            assertThat(receiveText(steady)).containsExactly("PONG", "");
            assertThat(FloodDefenceTest.admitted(gw, neighbour)).isTrue();
            assertThat(FloodDefenceTest.admitted(gw, looper)).isFalse();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
