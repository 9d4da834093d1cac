package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.edgegateway.core.pubsub.PubSub;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Revoking or quarantining a key cuts its subscriptions to the topic publisher, as it cuts its
 * ROUTER connections: black-box, with real CURVE subscribers (Debian's python3-zmq and JeroMQ).
 */
@Timeout(180)
class RevokedSubscriberTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A JeroMQ CURVE SUB of {@code keys} on every topic; receive timeout 200 ms. */
    private static ZMQ.Socket subscriber(GatewayFixture gw, CurveKeyPair keys) {
        ZMQ.Socket s = gw.clientSocket(SocketType.SUB, keys);
        s.setReceiveTimeOut(200);
        s.subscribe(new byte[0]);
        s.connect(gw.gateway().pubsub().boundEndpoint());
        return s;
    }

    /** Publishes {@code payload-N} on {@code topic} until {@code s} receives one of them. */
    private static boolean publishUntilReceived(PubSub p, ZMQ.Socket s, String topic, String payload) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int n = 0; System.nanoTime() < deadline; n++) {
            p.publish(topic, utf8(payload + "-" + n));
            List<String> got = GatewayFixture.receiveText(s);
            while (got != null) {
                if (got.get(0).equals(topic) && got.get(1).startsWith(payload + "-")) {
                    return true;
                }
                got = GatewayFixture.receiveText(s);
            }
        }
        return false;
    }

    /** Everything {@code s} holds now, as {@code TOPIC|PAYLOAD} lines. */
    private static List<String> drain(ZMQ.Socket s) {
        List<String> out = new ArrayList<>();
        List<String> got;
        while ((got = GatewayFixture.receiveText(s)) != null) {
            out.add(String.join("|", got));
        }
        return out;
    }

    private static long denials(GatewayFixture gw, String reason) {
        return gw.gateway().metrics().zapDenialsByReason().getOrDefault(reason, 0L);
    }

    @Test
    void aRevokedPyzmqSubscriberStopsReceivingBroadcasts(@TempDir Path dir) throws Exception {
        assumeTrue(PyzmqInteropTest.pyzmqAvailable(), "Debian's python3-zmq is not installed");
        try (GatewayFixture gw = GatewayFixture.withPubSub(dir.resolve("gw"), FloodDefenceTest.admission())) {
            PubSub pubsub = gw.gateway().pubsub();
            Path certs = Files.createDirectories(dir.resolve("certs"));
            CurveKeyPair watcher = CurveKeyPair.generate();
            ZCertFiles.writePair(certs, "watcher", watcher, Map.of("name", "watcher"));
            ZCertFiles.writePublic(certs.resolve("server.key"), ZCert.ofPublic(gw.serverKeys().publicKey(), Map.of()));
            gw.gateway().admin().enrol("watcher", watcher.publicZ85(), GatewayFixture.TEST_ADMIN);
            ZMQ.Socket control = subscriber(gw, gw.enrol("control"));

            Path script = dir.resolve("subscriber.py");
            try (InputStream in = getClass().getResourceAsStream("/python/subscriber.py")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Process python = new ProcessBuilder(PyzmqInteropTest.PYTHON, script.toString(), pubsub.boundEndpoint(),
                    certs.resolve("watcher.key_secret").toString(), certs.resolve("server.key").toString(), "")
                    .redirectErrorStream(true).start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(python.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, "test-python-subscriber");
            reader.setDaemon(true);
            reader.start();
            try {
                // The broadcast reaches the python subscriber.
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                for (int n = 0; System.nanoTime() < deadline
                        && lines.stream().noneMatch(l -> l.startsWith("alerts/site-1|before-")); n++) {
                    pubsub.publish("alerts/site-1", utf8("before-" + n));
                    Thread.sleep(100);
                }
                assertThat(lines).as("python printed %s", lines).anyMatch(l -> l.startsWith("alerts/site-1|before-"));
                assertThat(publishUntilReceived(pubsub, control, "alerts/site-1", "warm")).isTrue();

                gw.gateway().admin().revoke("watcher", GatewayFixture.TEST_ADMIN);

                // Its connection is cut, so it reconnects, and the handshake of a revoked key is refused.
                assertThat(await(Duration.ofSeconds(30), () -> denials(gw, "revoked") > 0))
                        .as("the revoked subscriber was cut and tried again; python printed %s", lines).isTrue();
                drain(control);
                for (int i = 1; i <= 3; i++) {
                    pubsub.publish("alerts/site-1", utf8("after-" + i));
                }
                assertThat(await(Duration.ofSeconds(20), () -> drain(control).contains("alerts/site-1|after-3")))
                        .as("the broadcasts went out").isTrue();
                assertThat(python.isAlive()).isTrue();
                assertThat(lines).noneMatch(l -> l.contains("after-"));
            } finally {
                python.destroyForcibly();
            }
        }
    }

    @Test
    void aQuarantinedSubscriberIsCutWhileItsNeighbourOnTheSameAddressKeepsReceiving(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.withPubSub(dir, FloodDefenceTest.admission())) {
            PubSub pubsub = gw.gateway().pubsub();
            CurveKeyPair quietKeys = gw.enrol("quiet");
            ZMQ.Socket quiet = subscriber(gw, quietKeys);
            assertThat(publishUntilReceived(pubsub, quiet, "plant/pump", "one")).isTrue();
            ZMQ.Socket neighbour = subscriber(gw, gw.enrol("neighbour"));
            assertThat(publishUntilReceived(pubsub, neighbour, "plant/pump", "two")).isTrue();

            gw.gateway().admin().quarantine("quiet", "test", Duration.ofHours(1), GatewayFixture.TEST_ADMIN);

            assertThat(await(Duration.ofSeconds(30), () -> denials(gw, "quarantined") > 0))
                    .as("the quarantined subscriber was cut and tried again; denials %s, allowed %s",
                            gw.gateway().metrics().zapDenialsByReason(), gw.gateway().metrics().handshakesAllowed())
                    .isTrue();
            drain(quiet);
            drain(neighbour);
            pubsub.publish("plant/pump", utf8("after"));
            assertThat(await(Duration.ofSeconds(20), () -> drain(neighbour).contains("plant/pump|after")))
                    .as("the neighbour, connected from the same address after it, still receives").isTrue();
            assertThat(drain(quiet)).doesNotContain("plant/pump|after");

            // Released, it subscribes again like anyone (a JeroMQ client gives up after a refused handshake,
            // so with a new socket).
            gw.gateway().admin().release("quiet", GatewayFixture.TEST_ADMIN);
            assertThat(publishUntilReceived(pubsub, subscriber(gw, quietKeys), "plant/pump", "back")).isTrue();
        }
    }
}
