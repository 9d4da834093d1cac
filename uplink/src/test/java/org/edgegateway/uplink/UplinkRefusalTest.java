package org.edgegateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.edgegateway.client.GatewayClient;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.admin.UplinkView;
import org.edgegateway.core.plugins.PluginHost;
import org.edgegateway.core.testing.BuiltinPlugins;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.protocol.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An edge whose upstream does not take its uplink traffic: the refusal is visible at once (a WARN
 * with the reason, the counters, the admin stats the UI reads) and the messages stay queued until
 * the upstream takes them. Real gateways on loopback, real CURVE, real H2 files.
 */
@Timeout(180)
class UplinkRefusalTest {
    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger uplinkLogger = (Logger) LoggerFactory.getLogger("org.edgegateway.uplink");
    private KeyStore edgeStore;
    private Uplink uplink;
    private PluginHost builtins;
    private Gateway edge;

    @BeforeEach
    void captureLogs() {
        logs.start();
        uplinkLogger.addAppender(logs);
    }

    @AfterEach
    void stopEdge() {
        uplinkLogger.detachAppender(logs);
        if (edge != null) {
            edge.close();
        }
        if (builtins != null) {
            builtins.close();
        }
        if (uplink != null) {
            uplink.close();
        }
        if (edgeStore != null) {
            edgeStore.close();
        }
    }

    /** An edge gateway forwarding everything to {@code upstream} with the bundle in {@code bundle}. */
    private void startEdge(GatewayFixture upstream, Path bundle) {
        edgeStore = KeyStore.open(KeyStore.fileUrl(dir.resolve("edge/data")));
        UplinkConfig config = new UplinkConfig(bundle, upstream.endpoint(), Set.of(), 1000, 8, Duration.ofSeconds(2),
                Duration.ofMillis(500));
        uplink = Uplink.open(dir.resolve("edge/data/uplink"), config);
        builtins = BuiltinPlugins.start(dir.resolve("edge/plugin-host"));
        edge = Gateway.start(GatewayConfig.defaults("tcp://127.0.0.1:*"), edgeStore, CurveKeyPair.generate(),
                uplink.wrap(builtins), Clock.systemUTC());
        uplink.start(edge.health());
        edge.reportUplink(uplink::view);
    }

    /** Sends {@code n} JSON messages to the edge as an enrolled sensor; all must be ACKed locally. */
    private void sendToEdge(int n) throws Exception {
        CurveKeyPair keys = CurveKeyPair.generate();
        edge.admin().enrol("sensor-1", keys.publicZ85(), Edges.ADMIN);
        try (GatewayClient sensor = Edges.sensor("sensor-1", keys, org.edgegateway.keys.Z85.decodeKey(
                edge.admin().serverPublicKey()), edge.boundEndpoint())) {
            for (int i = 0; i < n; i++) {
                Reply r = sensor.sendAsync("JSON", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                        .get(60, TimeUnit.SECONDS);
                assertThat(r.isAck()).as(r.detailText()).isTrue();
            }
        }
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void anUpstreamWithoutTheReceiverIsAWarningAtOnceAndTheMessagesStayQueued() throws Exception {
        // The upstream's uplink.receive is off: it has no UPLINK handler.
        try (GatewayFixture upstream = GatewayFixture.start(dir.resolve("up"))) {
            startEdge(upstream, Edges.bundle(upstream.gateway().admin(), "edge-1", upstream.endpoint(),
                    dir.resolve("bundle")));
            sendToEdge(5);

            assertThat(GatewayFixture.await(Duration.ofSeconds(30), () -> warnings().stream()
                    .anyMatch(w -> w.contains("refuses uplink traffic")))).as("warnings: %s", warnings()).isTrue();
            assertThat(warnings()).filteredOn(w -> w.contains("refuses uplink traffic")).singleElement()
                    .satisfies(w -> assertThat(w).contains("UNKNOWN_TYPE: no handler for type UPLINK")
                            .contains("set uplink.receive=true").contains("messages stay queued"));

            // Retried, still queued, counted; and never a WARN per attempt.
            assertThat(GatewayFixture.await(Duration.ofSeconds(30), () -> uplink.stats().refusals() >= 15)).isTrue();
            UplinkStats s = uplink.stats();
            assertThat(s.refused()).isTrue();
            assertThat(s.refusal()).isEqualTo("UNKNOWN_TYPE: no handler for type UPLINK");
            assertThat(s.refusedSince()).isNotNull();
            assertThat(s.waiting()).isEqualTo(5);
            assertThat(s.forwarded()).isZero();
            assertThat(s.deadLettered()).isZero();
            assertThat(warnings()).filteredOn(w -> w.contains("refuses uplink traffic")).hasSize(1);

            // What the dashboard and doctor read.
            UplinkView view = edge.admin().stats().uplink();
            assertThat(view).isNotNull();
            assertThat(view.refusal()).startsWith("UNKNOWN_TYPE");
            assertThat(view.remedy()).contains("uplink.receive=true");
            assertThat(view.waiting()).isEqualTo(5);
        }
    }

    @Test
    void aRefusedEdgeKeyIsAWarningAndTheQueueDrainsOnceTheUpstreamTakesItBack() throws Exception {
        UplinkReceiver receiver = UplinkReceiver.open(dir.resolve("up-received"), Set.of(), Clock.systemUTC());
        try (GatewayFixture upstream = GatewayFixture.start(dir.resolve("up"), c -> c, receiver)) {
            Path bundle = Edges.bundle(upstream.gateway().admin(), "edge-1", upstream.endpoint(), dir.resolve("bundle"));
            upstream.gateway().admin().quarantine("edge-1", "test", null, Edges.ADMIN);
            startEdge(upstream, bundle);
            sendToEdge(3);

            assertThat(GatewayFixture.await(Duration.ofSeconds(60), () -> uplink.stats().refused()))
                    .as("stats %s", uplink.stats()).isTrue();
            assertThat(uplink.stats().refusal()).startsWith(RefusalWatch.HANDSHAKE_REFUSED);
            assertThat(warnings()).anyMatch(w -> w.contains("refuses uplink traffic") && w.contains("handshake"));
            assertThat(receiver.count()).isZero();
            assertThat(uplink.stats().waiting()).isEqualTo(3);

            upstream.gateway().admin().release("edge-1", Edges.ADMIN);
            assertThat(GatewayFixture.await(Duration.ofSeconds(60), () -> receiver.count() == 3))
                    .as("recorded upstream; stats %s", uplink.stats()).isTrue();
            assertThat(GatewayFixture.await(Duration.ofSeconds(10), () -> !uplink.stats().refused())).isTrue();
            assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.INFO
                    && e.getFormattedMessage().contains("accepts uplink traffic again"));
            assertThat(edge.admin().stats().uplink().refusal()).isEmpty();
        } finally {
            receiver.stop();
        }
    }
}
