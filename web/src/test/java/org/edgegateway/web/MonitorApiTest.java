package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.TokenScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * {@code /api/metrics/history} and {@code /api/process} over real HTTPS, in front of a real gateway
 * whose history samples on the wall clock every 10 seconds (so one test waits for a sample).
 */
@Timeout(120)
class MonitorApiTest extends GatewayTestBase {

    private static final String PASSWORD = "correct horse battery staple";
    private static final List<String> SERIES = List.of("messagesIn", "messagesOut", "bytesIn", "bytesOut",
            "handshakesRefused", "connectedClients", "cpuMillis", "heapUsedBytes");

    @Test
    void messagesSentShowUpInTheHistoryOfBothResolutions() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        CurveKeyPair sensor = CurveKeyPair.generate();
        assertThat(h.post("/api/clients", Map.of("name", "sensor-1", "publicKey", sensor.publicZ85())).status())
                .isEqualTo(201);
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket dealer = gw.connected(context, sensor);
            for (int i = 0; i < 5; i++) {
                assertThat(TestGateway.exchange(dealer, "STRING", "reading " + i)).startsWith("ACK");
            }
            assertThat(TestGateway.exchange(dealer, "NOPE", "x").get(1)).startsWith("UNKNOWN_TYPE");

            // The next sample is at most 10 s away; PINGs and PONGs count too, so at least 6 in.
            // The connection count is a sample at the end of a point: wait for one taken while connected.
            JsonNode tens = awaitHistory(h, "/api/metrics/history", v -> sum(v.get("messagesIn")) >= 6
                    && sum(v.path("errorsByCode").path("UNKNOWN_TYPE")) >= 1 && max(v.get("connectedClients")) >= 1);
            assertShape(tens, "10s", 10);
            assertThat(sum(tens.get("bytesIn"))).isPositive();
            assertThat(sum(tens.get("bytesOut"))).isPositive();
            assertThat(sum(tens.get("messagesOut"))).isGreaterThanOrEqualTo(6);
            assertThat(max(tens.get("connectedClients"))).isOne();
            assertThat(tens.get("errorsByCode").has("BAD_FRAME")).as("codes never sent are left out").isFalse();

            JsonNode minutes = h.get("/api/metrics/history?resolution=1m").json();
            assertShape(minutes, "1m", 60);
            // a sample may land between the two reads (PINGs count): the day holds at least what the hour held
            assertThat(sum(minutes.get("messagesIn"))).isGreaterThanOrEqualTo(sum(tens.get("messagesIn")));
            assertThat(Instant.parse(minutes.get("end").asText()).getEpochSecond() % 60).isZero();
        }
    }

    @Test
    void theProcessIsDescribed() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        Https.Reply r = h.get("/api/process");
        assertThat(r.status()).isEqualTo(200);
        JsonNode p = r.json();
        assertThat(p.get("version").asText()).isNotBlank();
        assertThat(Instant.parse(p.get("startedAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(p.get("uptimeSeconds").asLong()).isNotNegative();
        assertThat(p.get("heapUsedBytes").asLong()).isPositive();
        assertThat(p.get("heapMaxBytes").asLong()).isNotZero();
        assertThat(p.get("processors").asInt()).isPositive();
        assertThat(p.get("cpuUsage").asDouble()).isBetween(-1.0, 1.0);
    }

    @Test
    void aResolutionOtherThan10sOr1mIsRefusedNamingBoth() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        for (String bad : new String[] {"5s", "1h", "TEN_SECONDS", "10S"}) {
            Https.Reply r = h.get("/api/metrics/history?resolution=" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("INVALID");
            assertThat(r.json().get("message").asText()).contains("'" + bad + "'").contains("10s, 1m");
        }
        assertThat(h.get("/api/metrics/history?resolution=").json().get("resolution").asText()).isEqualTo("10s");
        assertThat(h.send("POST", "/api/process", Map.of(), Map.of()).status()).isEqualTo(405);
    }

    @Test
    void anonymousCallersAreRefusedAndReadOnlyTokensMayRead() throws Exception {
        Https anonymous = new Https(gw);
        for (String path : new String[] {"/api/metrics/history", "/api/metrics/history?resolution=1m", "/api/process"}) {
            Https.Reply r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.json().get("error").asText()).isEqualTo("UNAUTHENTICATED");
        }
        String token = gw.gateway.admin().createApiToken("viewer", TokenScope.READ_ONLY, null,
                new Actor("test", "local")).secret();
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
        assertThat(anonymous.send("GET", "/api/metrics/history", null, bearer).status()).isEqualTo(200);
        assertThat(anonymous.send("GET", "/api/process", null, bearer).status()).isEqualTo(200);
    }

    private static void assertShape(JsonNode v, String resolution, int step) {
        assertThat(v.get("resolution").asText()).isEqualTo(resolution);
        assertThat(v.get("stepSeconds").asInt()).isEqualTo(step);
        int points = v.get("points").asInt();
        assertThat(points).isPositive();
        Instant start = Instant.parse(v.get("start").asText());
        Instant end = Instant.parse(v.get("end").asText());
        assertThat(Duration.between(start, end)).isEqualTo(Duration.ofSeconds((long) step * points));
        for (String series : SERIES) {
            assertThat(v.get(series).isArray()).as(series).isTrue();
            assertThat(v.get(series).size()).as(series).isEqualTo(points);
        }
        v.get("errorsByCode").fields().forEachRemaining(e -> assertThat(e.getValue().size()).as(e.getKey())
                .isEqualTo(points));
    }

    /** The history at {@code path} once {@code ready} holds of it; it is sampled every 10 s. */
    private static JsonNode awaitHistory(Https h, String path, java.util.function.Predicate<JsonNode> ready)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Https.Reply r = h.get(path);
            assertThat(r.status()).isEqualTo(200);
            JsonNode v = r.json();
            if (ready.test(v) || System.nanoTime() > deadline) {
                assertThat(ready.test(v)).as("history within 30 s: %s", r.body()).isTrue();
                return v;
            }
            Thread.sleep(500);
        }
    }

    private static long sum(JsonNode series) {
        long n = 0;
        for (JsonNode p : series) {
            n += p.asLong();
        }
        return n;
    }

    private static long max(JsonNode series) {
        long n = 0;
        for (JsonNode p : series) {
            n = Math.max(n, p.asLong());
        }
        return n;
    }
}
