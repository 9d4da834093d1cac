package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * {@code /api/clients} a page at a time over real HTTPS, with 10,000 clients in the real key store:
 * paged, sorted, searched and filtered by the store, the live counts joined to the page; a client's
 * connection history and rates; the parameters refused in words that name what is allowed.
 */
@Timeout(300)
class ClientsPageApiTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final int MANY = 10_000;

    @TempDir
    Path home;
    TestGateway gw;
    Https h;

    @BeforeEach
    void start() throws Exception {
        gw = new TestGateway(home);
        h = Https.admin(gw, PASSWORD);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    /** {@code count} clients {@code sensor-00000...} in one transaction of the real store, with well-formed keys. */
    private void enrolMany(int count) {
        Map<String, String> batch = new LinkedHashMap<>();
        Random random = new Random(42);
        for (int i = 0; i < count; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            key[0] = 1;
            batch.put(String.format("sensor-%05d", i), Z85.encode(key));
        }
        gw.store.clients().enrolAll(batch, "importer", "test");
    }

    private static List<String> names(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("clients").forEach(c -> out.add(c.get("name").asText()));
        return out;
    }

    @Test
    void tenThousandClientsArePagedSortedAndSearchedByTheStore() throws Exception {
        enrolMany(MANY);
        CurveKeyPair talker = CurveKeyPair.generate();
        assertThat(h.post("/api/clients", Map.of("name", "talker", "publicKey", talker.publicZ85())).status())
                .isEqualTo(201);
        assertThat(h.post("/api/clients/sensor-00042/quarantine", Map.of("reason", "noisy")).status()).isEqualTo(200);

        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket s = gw.connected(context, talker);
            assertThat(TestGateway.exchange(s, "STRING", "one")).startsWith("ACK");
            assertThat(TestGateway.exchange(s, "STRING", "two")).startsWith("ACK");

            long started = System.nanoTime();
            Https.Reply first = h.get("/api/clients?offset=0&limit=50");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(first.status()).isEqualTo(200);
            JsonNode page = first.json();
            assertThat(page.get("total").asInt()).isEqualTo(MANY + 1);
            assertThat(page.get("clients")).hasSize(50);
            assertThat(page.get("offset").asInt()).isZero();
            assertThat(page.get("limit").asInt()).isEqualTo(50);
            assertThat(page.get("sort").asText()).isEqualTo("name");
            assertThat(page.get("order").asText()).isEqualTo("asc");
            assertThat(names(page)).first().isEqualTo("sensor-00000");
            assertThat(took).as("a page of %d clients over HTTPS", MANY).isLessThan(Duration.ofSeconds(2));

            assertThat(h.get("/api/clients").json().get("clients")).as("100 by default").hasSize(100);
            assertThat(names(h.get("/api/clients?sort=name&order=desc&limit=2").json()))
                    .containsExactly("talker", "sensor-09999");
            assertThat(names(h.get("/api/clients?offset=9999&limit=50").json())).containsExactly("sensor-09999", "talker");
            JsonNode beyond = h.get("/api/clients?offset=20000").json();
            assertThat(beyond.get("clients")).isEmpty();
            assertThat(beyond.get("total").asInt()).isEqualTo(MANY + 1);

            JsonNode searched = h.get("/api/clients?q=SENSOR-0004&limit=500").json();
            assertThat(searched.get("total").asInt()).isEqualTo(10);
            assertThat(h.get("/api/clients?q=" + java.net.URLEncoder.encode(talker.publicZ85().substring(0, 10),
                    java.nio.charset.StandardCharsets.UTF_8)).json().get("clients").get(0).get("name").asText())
                    .isEqualTo("talker");
            JsonNode quarantined = h.get("/api/clients?status=quarantined").json();
            assertThat(quarantined.get("total").asInt()).isEqualTo(1);
            assertThat(names(quarantined)).containsExactly("sensor-00042");
            assertThat(names(h.get("/api/clients?sort=status&order=desc&limit=1").json())).containsExactly("sensor-00042");
            assertThat(names(h.get("/api/clients?sort=enrolledAt&order=desc&limit=1").json())).containsExactly("talker");

            // The counts reach the admin view with the router's next published snapshot, not with the ACK.
            String busiestPath = "/api/clients?sort=messages&order=desc&limit=1";
            assertThat(TestGateway.eventually(Duration.ofSeconds(20),
                    () -> h.get(busiestPath).json().get("clients").get(0).get("messages").asLong() >= 2))
                    .as("talker's two messages counted").isTrue();
            JsonNode busiest = h.get(busiestPath).json();
            assertThat(busiest.get("total").asInt()).isEqualTo(MANY + 1);
            JsonNode top = busiest.get("clients").get(0);
            assertThat(top.get("name").asText()).isEqualTo("talker");
            assertThat(top.get("connected").asBoolean()).isTrue();
            assertThat(top.get("messages").asLong()).isGreaterThanOrEqualTo(2);

            JsonNode history = h.get("/api/clients/talker/connections").json();
            assertThat(history).hasSize(1);
            assertThat(history.get(0).get("event").asText()).isEqualTo("CONNECTED");
            assertThat(history.get(0).get("peerAddress").asText()).startsWith("127.0.0.1:");
            JsonNode rates = h.get("/api/clients/talker/rates").json();
            assertThat(rates.get("stepSeconds").asInt()).isEqualTo(10);
            assertThat(rates.get("messages").isArray()).isTrue();
            assertThat(h.get("/api/clients/ghost/connections").status()).isEqualTo(404);
            assertThat(h.get("/api/clients/ghost/rates").status()).isEqualTo(404);
        }
    }

    @Test
    void badParametersAreRefusedNamingWhatIsAllowed() {
        refused("/api/clients?limit=501", "limit 501 is not in 1..500");
        refused("/api/clients?limit=0", "limit 0 is not in 1..500");
        refused("/api/clients?offset=-1", "offset -1 is below 0");
        refused("/api/clients?offset=ten", "offset 'ten' is not a whole number");
        refused("/api/clients?sort=size", "sort 'size' is not one of name, status, lastSeen, enrolledAt, messages");
        refused("/api/clients?order=up", "order 'up' is not asc or desc");
        refused("/api/clients?status=gone",
                "unknown client status 'gone' (expected active, revoked, quarantined or pending)");
        refused("/api/clients?q=" + "x".repeat(65), "search text is 65 characters long (at most 64)");
        assertThat(h.get("/api/clients?limit=500&status=ACTIVE&sort=lastSeen&order=desc").status()).isEqualTo(200);
    }

    private void refused(String path, String message) {
        Https.Reply r = h.get(path);
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("INVALID");
        assertThat(r.json().get("message").asText()).as(path).isEqualTo(message);
    }
}
