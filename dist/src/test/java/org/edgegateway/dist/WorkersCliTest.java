package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.edgegateway.client.ClientBundle;
import org.edgegateway.client.GatewayWorker;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * {@code edge-gateway workers ...} against a running gateway (through its control socket): a bundle
 * written by {@code workers add --generate} serves a type, {@code workers list}, the metrics and
 * {@code doctor} show it, {@code workers revoke} cuts it.
 */
@Timeout(180)
class WorkersCliTest {

    @Test
    void aWorkerEnrolledByTheCliServesListedMeasuredAndRevoked(@TempDir Path dir) throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        String endpoint = "tcp://127.0.0.1:" + BundleProcess.freePort();
        String workers = "tcp://127.0.0.1:" + BundleProcess.freePort();
        TestHome.configure(home, "gateway.endpoint=" + endpoint, "admin.port=0",
                "pubsub.enabled=false", "workers.endpoint=" + workers, "workers.heartbeat-interval=500ms");
        try (GatewayApp app = GatewayApp.start(home, Map.of()); ZContext ctx = new ZContext(1)) {
            assertThat(Cli.run(home, "doctor")).contains("WARN  workers: the workers' port is open but no worker key is enrolled");

            Path bundle = dir.resolve("resizer-1");
            String added = Cli.run(home, "workers", "add", "resizer-1", "--generate", "--out", bundle.toString());
            assertThat(added).startsWith("exit 0").contains("enrolled worker resizer-1").contains(workers);
            assertThat(Files.getPosixFilePermissions(bundle.resolve("resizer-1.key_secret")))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Cli.run(home, "workers", "add", "resizer-1", "--public-key", CurveKeyPair.generate().publicZ85()))
                    .as("a second worker of that name is a conflict (the message goes to standard error)").startsWith("exit 4");

            ClientBundle b = ClientBundle.load(bundle, "resizer-1");
            assertThat(b.endpoint()).contains(workers);
            try (GatewayWorker w = GatewayWorker.start(b, Set.of("RESIZE"), r -> GatewayWorker.Answer.ack("resized " + r.text()))) {
                assertThat(w.awaitReady(Duration.ofSeconds(30))).isTrue();

                CurveKeyPair sensor = CurveKeyPair.generate();
                app.gateway().admin().enrol("sensor-1", sensor.publicZ85(), GatewayFixture.TEST_ADMIN);
                ZMQ.Socket s = ctx.createSocket(SocketType.DEALER);
                s.setLinger(0);
                s.setReceiveTimeOut(30_000);
                s.setCurveServerKey(Z85.decodeKey(app.gateway().admin().serverPublicKey()));
                s.setCurvePublicKey(sensor.publicKey());
                s.setCurveSecretKey(sensor.secretKey());
                s.connect(endpoint);
                GatewayFixture.send(s, "RESIZE", "photo");
                assertThat(GatewayFixture.receiveText(s)).containsExactly("ACK", "resized photo");

                String list = Cli.run(home, "workers", "list");
                assertThat(list).startsWith("exit 0").contains("NAME").contains("LAST HEARTBEAT");
                assertThat(list.lines().filter(l -> l.startsWith("resizer-1"))).singleElement().satisfies(l ->
                        // The SDK's worker is batched: one request answered fast widened its window from 16 to 17.
                        assertThat(l).contains("active").contains("yes").contains("RESIZE")
                                .containsPattern("batched\\s+0\\s+17\\s+1\\s+0\\s"));

                io.micrometer.prometheusmetrics.PrometheusMeterRegistry meters = GatewayApp.meters(app.gateway());
                assertThat(meters.scrape()).contains("egw_workers_type_served_total{type=\"RESIZE\"} 1.0")
                        .contains("egw_workers_worker_served_total{worker=\"resizer-1\"} 1.0")
                        .contains("egw_workers_type_in_flight{type=\"RESIZE\"} 0.0")
                        .contains("egw_workers_type_latency_seconds_count{type=\"RESIZE\"} 1")
                        .contains("egw_workers_connected 1.0")
                        // the SDK's worker is batched: its one request travelled in one BATCH frame
                        .contains("egw_workers_worker_batches_total{worker=\"resizer-1\"} 1.0")
                        .contains("egw_workers_worker_batched_requests_total{worker=\"resizer-1\"} 1.0")
                        .contains("egw_workers_worker_bad_frames_total{worker=\"resizer-1\"} 0.0");

                assertThat(Cli.run(home, "doctor")).contains("OK  workers: 1 connected of 1 enrolled, serving RESIZE");

                assertThat(Cli.run(home, "workers", "revoke", "resizer-1")).startsWith("exit 0").contains("revoked worker resizer-1");
                assertThat(app.gateway().workers().workers()).as("cut before the command returned").isEmpty();
                assertThat(Cli.run(home, "workers", "list").lines().filter(l -> l.startsWith("resizer-1")))
                        .singleElement().satisfies(l -> assertThat(l).contains("revoked").contains(" no "));
                assertThat(app.gateway().admin().audit(Long.MAX_VALUE, 20)).extracting(a -> a.action())
                        .contains("worker.enrol", "worker.revoke");
            }
        }
    }
}
