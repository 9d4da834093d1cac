package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.health.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health} over real HTTPS, without a session or a token: up or down per part, nothing else. */
@Timeout(120)
class HealthEndpointTest {

    private static List<String> fields(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void answersWithoutATokenAndSaysOnlyUpOrDown(@TempDir Path dir) throws Exception {
        try (TestGateway gw = new TestGateway(dir)) {
            Https anonymous = new Https(gw);

            Https.Reply health = anonymous.get("/health");
            assertThat(health.status()).as(health.body()).isEqualTo(200);
            assertThat(health.header("cache-control")).isEqualTo("no-store");
            assertThat(health.header("content-security-policy")).isEqualTo(SecurityHeaders.CSP);
            JsonNode body = health.json();
            assertThat(fields(body)).containsExactly("live", "ready", "checks");
            assertThat(body.get("live").asBoolean()).isTrue();
            assertThat(body.get("ready").asBoolean()).isTrue();
            assertThat(Https.JSON.convertValue(body.get("checks"), Map.class)).containsExactly(
                    Map.entry("router", "up"), Map.entry("zap", "up"), Map.entry("publisher", "off"), Map.entry("enrol", "off"),
                    Map.entry("keyStore", "up"), Map.entry("plugins", "off"));

            Https.Reply live = anonymous.get("/health/live");
            assertThat(live.status()).isEqualTo(200);
            assertThat(fields(live.json())).containsExactly("live", "ready");
            assertThat(anonymous.get("/health/ready").status()).isEqualTo(200);

            Https.Reply post = anonymous.send("POST", "/health", "{}", Map.of());
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.json().get("error").asText()).isEqualTo("METHOD_NOT_ALLOWED");
            Https.Reply other = anonymous.get("/health/../api/clients");
            assertThat(other.status()).isIn(401, 404);
            assertThat(anonymous.get("/health/details").status()).isEqualTo(404);
            // The rest of the API still wants a session or a token.
            assertThat(anonymous.get("/api/stats").status()).isEqualTo(401);
        }
    }

    @Test
    void aDeadOwnerThreadOrASilentKeyStoreIsA503(@TempDir Path dir) throws Exception {
        try (TestGateway gw = new TestGateway(dir)) {
            Https anonymous = new Https(gw);
            gw.store.close();
            assertThat(TestGateway.eventually(Duration.ofSeconds(20), () -> anonymous.get("/health").status() == 503)).isTrue();
            Https.Reply down = anonymous.get("/health/ready");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().get("checks").get("keyStore").asText()).isEqualTo("down");
            assertThat(down.json().get("live").asBoolean()).as("a silent key store is not a death").isTrue();
            assertThat(anonymous.get("/health/live").status()).isEqualTo(200);

            gw.gateway.health().died(Health.ROUTER, new IllegalStateException("test: the router's loop failed"));
            Https.Reply dead = anonymous.get("/health/live");
            assertThat(dead.status()).isEqualTo(503);
            assertThat(dead.json().get("live").asBoolean()).isFalse();
            assertThat(anonymous.get("/health").json().get("checks").get("router").asText()).isEqualTo("down");
            assertThat(dead.body()).doesNotContain("test: the router's loop failed");
        }
    }
}
