package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.UplinkView;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.testing.BuiltinPlugins;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * {@code doctor} on an edge whose upstream does not take uplink traffic ({@code uplink.receive} off
 * there): the composition root wires the uplink's state into the admin stats, and doctor reads it
 * through the control socket of the running gateway. Both gateways run in this JVM.
 */
@Timeout(120)
class DoctorUplinkTest {

    private static String doctor(GatewayHome home) {
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = Main.run("--home", home.root().toString(), "doctor");
        } finally {
            System.setOut(before);
        }
        return "exit " + code + "\n" + out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void doctorFailsWhileTheUpstreamRefusesTheUplink(@TempDir Path dir) throws Exception {
        try (GatewayFixture upstream = GatewayFixture.start(dir.resolve("up"));
             ZContext clients = new ZContext(1)) {
            CurveKeyPair edgeKeys = CurveKeyPair.generate();
            Path bundle = dir.resolve("bundle");
            ZCertFiles.writePair(bundle, "edge-1", edgeKeys, Map.of("name", "edge-1"));
            ZCertFiles.writePublic(bundle.resolve("server.key"),
                    ZCert.ofPublic(upstream.serverKeys().publicKey(), Map.of("endpoint", upstream.endpoint())));
            upstream.gateway().admin().enrol("edge-1", edgeKeys.publicZ85(), GatewayFixture.TEST_ADMIN);

            GatewayHome home = new GatewayHome(dir.resolve("edge"));
            String endpoint = "tcp://127.0.0.1:" + BundleProcess.freePort();
            TestHome.configure(home,
                    "gateway.endpoint=" + endpoint, "admin.port=0", "pubsub.enabled=false", "workers.enabled=false",
                    "uplink.bundle=" + bundle, "uplink.retry-max=500ms");
            // The edge serves JSON with the built-in plugin, from a bundle as the launcher gives it.
            try (GatewayApp app = GatewayApp.start(home, Map.of(), BuiltinPlugins.bundle(dir.resolve("base")))) {
                CurveKeyPair sensor = CurveKeyPair.generate();
                app.gateway().admin().enrol("sensor-1", sensor.publicZ85(), GatewayFixture.TEST_ADMIN);
                ZMQ.Socket s = GatewayFixture.curveSocket(clients, SocketType.DEALER,
                        Z85.decodeKey(app.gateway().admin().serverPublicKey()), sensor);
                s.setReceiveTimeOut(2000);
                s.connect(endpoint);
                List<String> reply = null;
                for (int i = 0; i < 15 && reply == null; i++) {
                    GatewayFixture.send(s, "JSON", "{\"t\": 21.5}");
                    reply = GatewayFixture.receiveText(s);
                }
                assertThat(reply).containsExactly("ACK", "JSON received (11 bytes)");

                assertThat(GatewayFixture.await(Duration.ofSeconds(30), () -> {
                    UplinkView u = app.gateway().admin().stats().uplink();
                    return u != null && !u.refusal().isEmpty();
                })).isTrue();

                // The metrics say so too.
                io.micrometer.prometheusmetrics.PrometheusMeterRegistry meters =
                        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
                PrometheusMeters.bindUplink(meters, app.uplink());
                assertThat(meters.scrape()).contains("egw_uplink_refused 1.0").contains("egw_uplink_waiting 1.0")
                        .containsPattern("egw_uplink_refusals_total [1-9]");

                String report = doctor(home);
                assertThat(report).startsWith("exit 1");
                assertThat(report).contains("FAIL  uplink: the upstream refuses this edge's traffic since ")
                        .contains("UNKNOWN_TYPE: no handler for type UPLINK")
                        .contains("fix: the upstream does not accept UPLINK messages: set uplink.receive=true on it");
                assertThat(report.lines().filter(l -> l.startsWith("FAIL"))).as(report).hasSize(1);
            }
        }
    }
}
