package org.edgegateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgegateway.client.GatewayClient;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.edgegateway.protocol.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store-and-forward across real processes: the edge runs as its own JVM ({@link EdgeMain}) so that it
 * can be killed with {@code kill -9}; the upstream runs in this JVM with the {@link UplinkReceiver}.
 */
@Timeout(180)
class EdgeProcessTest {
    private static final int MESSAGES = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killEdges() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process startEdge(Path home, Path bundle, String upstream, CurveKeyPair sensor) throws IOException {
        Files.createDirectories(home);
        Files.deleteIfExists(home.resolve("ready"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Djava.net.preferIPv4Stack=true", "-cp", classPath, EdgeMain.class.getName(),
                home.toString(), bundle.toString(), upstream, "sensor-1", sensor.publicZ85());
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("edge.log").toFile()));
        Process p = pb.start();
        processes.add(p);
        assertThat(GatewayFixture.await(Duration.ofSeconds(60), () -> Files.exists(home.resolve("ready"))
                || !p.isAlive())).isTrue();
        assertThat(p.isAlive()).as("edge process started; see " + home.resolve("edge.log")).isTrue();
        return p;
    }

    @Test
    void tenThousandMessagesQueuedWhileTheUpstreamIsDownAreRecordedOnceThroughAKillOfTheEdgeMidDrain()
            throws Exception {
        UplinkReceiver receiver = UplinkReceiver.open(dir.resolve("up-received"), Set.of(), Clock.systemUTC());
        try (GatewayFixture upstream = GatewayFixture.start(dir.resolve("up"), c -> c, receiver)) {
            Path bundle = Edges.bundle(upstream.gateway().admin(), "edge-1", upstream.endpoint(), dir.resolve("bundle"));
            CurveKeyPair sensorKeys = CurveKeyPair.generate();
            Path home = dir.resolve("edge");
            Process edge = startEdge(home, bundle, upstream.endpoint(), sensorKeys);
            List<String> ready = Files.readAllLines(home.resolve("ready"));

            // The upstream goes away; the edge keeps accepting.
            upstream.gateway().close();
            try (GatewayClient sensor = Edges.sensor("sensor-1", sensorKeys, Z85.decodeKey(ready.get(1)), ready.get(0))) {
                assertThat(sendAll(sensor)).isEqualTo(MESSAGES);
            }
            assertThat(receiver.count()).isZero();

            // The upstream comes back and the edge drains; kill -9 the edge in the middle of it.
            upstream.restart();
            assertThat(GatewayFixture.await(Duration.ofSeconds(60), () -> receiver.count() >= 500)).isTrue();
            edge.destroyForcibly();
            assertThat(edge.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long atKill = receiver.count();
            assertThat(atKill).as("the edge was killed before its queue was drained").isLessThan(MESSAGES);

            startEdge(home, bundle, upstream.endpoint(), sensorKeys);
            assertThat(GatewayFixture.await(Duration.ofSeconds(90), () -> receiver.count() >= MESSAGES))
                    .as("recorded upstream: " + receiver.count()).isTrue();

            List<String> lines = Files.readAllLines(receiver.linesFile(), StandardCharsets.UTF_8);
            Set<Integer> values = new HashSet<>();
            Set<String> ids = new HashSet<>();
            Set<Long> seqs = new HashSet<>();
            for (String line : lines) {
                JsonNode o = JSON.readTree(line);
                assertThat(o.path("sensor").asText()).isEqualTo("sensor-1");
                assertThat(o.path("edge").asText()).isEqualTo("edge-1");
                assertThat(o.path("type").asText()).isEqualTo("JSON");
                values.add(JSON.readTree(o.path("payload").asText()).path("i").asInt());
                ids.add(o.path("id").asText());
                seqs.add(o.path("seq").asLong());
            }
            assertThat(List.of(lines.size(), ids.size(), seqs.size(), values.size(), (int) receiver.count()))
                    .as("lines, ids, seqs, values, rows").containsOnly(MESSAGES);
            assertThat(lines).hasSize(MESSAGES);
            assertThat(values).hasSize(MESSAGES);
            assertThat(values).contains(0, MESSAGES - 1);
            assertThat(receiver.count()).isEqualTo(MESSAGES);
        } finally {
            receiver.stop();
        }
    }

    /**
     * Sends MESSAGES JSON messages pipelined; returns how many were ACKed. A message refused with BUSY
     * (the edge's lane full while a loaded machine lets it fall behind) was not taken, so it is sent
     * again, as a sensor would; any other answer or failure is kept and named in the assertion.
     */
    private static int sendAll(GatewayClient sensor) throws Exception {
        // Below the edge's de-duplication window, so that every retry of the sensor is recognised.
        Semaphore window = new Semaphore(200);
        AtomicInteger acked = new AtomicInteger();
        java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            todo.add(i);
        }
        for (int pass = 0; pass < 5 && !todo.isEmpty(); pass++) {
            java.util.Queue<Integer> busy = new java.util.concurrent.ConcurrentLinkedQueue<>();
            List<CompletableFuture<Reply>> all = new ArrayList<>(todo.size());
            for (int i : todo) {
                assertThat(window.tryAcquire(60, TimeUnit.SECONDS)).isTrue();
                CompletableFuture<Reply> f = sensor.sendAsync("JSON", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                f.whenComplete((r, e) -> {
                    window.release();
                    if (r != null && r.isAck()) {
                        acked.incrementAndGet();
                    } else if (r != null && r.code() == org.edgegateway.protocol.ErrorCode.BUSY) {
                        busy.add(i);
                    } else {
                        failures.add(i + ": " + (r != null ? r.code() + " " + new String(r.detail(), StandardCharsets.UTF_8) : e));
                    }
                });
                all.add(f);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(120, TimeUnit.SECONDS);
            todo = new ArrayList<>(busy);
            if (!todo.isEmpty()) {
                Thread.sleep(500);
            }
        }
        assertThat(failures).as("answers other than ACK").isEmpty();
        return acked.get();
    }
}
