package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** API token scopes, expiry and last use, over real HTTPS in front of a real gateway and key store. */
@Timeout(120)
class ApiTokenScopesTest extends GatewayTestBase {

    private static final String PASSWORD = "correct horse battery staple";

    Https admin;

    @BeforeEach
    void logIn() throws Exception {
        admin = Https.admin(gw, PASSWORD);
    }

    private String create(Map<String, Object> body) {
        Https.Reply r = admin.post("/api/tokens", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    private JsonNode listed(String name) {
        for (JsonNode t : admin.get("/api/tokens").json()) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("token " + name + " is not listed");
    }

    @Test
    void aMetricsTokenReadsTheMetricsAndNothingElse() {
        String token = create(Map.of("name", "prometheus", "scope", "metrics"));
        Https scraper = new Https(gw);
        assertThat(scraper.getBytes("/metrics", bearer(token)).statusCode()).isEqualTo(200);
        for (String path : new String[] {"/api/stats", "/api/clients", "/api/tokens", "/api/session", "/api/audit"}) {
            Https.Reply r = scraper.send("GET", path, null, bearer(token));
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.json().get("error").asText()).isEqualTo("FORBIDDEN");
            assertThat(r.json().get("message").asText()).contains("scope metrics").contains("/metrics");
        }
        Https.Reply mint = scraper.send("POST", "/api/tokens", Map.of("name", "more"), bearer(token));
        assertThat(mint.status()).isEqualTo(403);
        assertThat(listed("prometheus").get("scope").asText()).isEqualTo("metrics");
    }

    @Test
    void aReadOnlyTokenReadsEverythingButChangesNothingAndMintsNoTokens() {
        String token = create(Map.of("name", "dashboard", "scope", "read-only"));
        Https reader = new Https(gw);
        for (String path : new String[] {"/api/stats", "/api/clients", "/api/tokens", "/api/audit", "/api/info"}) {
            assertThat(reader.send("GET", path, null, bearer(token)).status()).as(path).isEqualTo(200);
        }
        assertThat(reader.getBytes("/metrics", bearer(token)).statusCode()).isEqualTo(200);
        assertThat(reader.send("GET", "/api/session", null, bearer(token)).json().get("scope").asText())
                .isEqualTo("read-only");

        Https.Reply enrol = reader.send("POST", "/api/clients",
                Map.of("name", "sneaky", "publicKey", CurveKeyPair.generate().publicZ85()), bearer(token));
        assertThat(enrol.status()).isEqualTo(403);
        assertThat(enrol.json().get("message").asText()).contains("scope read-only");
        assertThat(gw.store.clients().findByName("sneaky")).isEmpty();
        Https.Reply mint = reader.send("POST", "/api/tokens", Map.of("name", "escalated", "scope", "admin"),
                bearer(token));
        assertThat(mint.status()).as("only admin scope creates tokens").isEqualTo(403);
        assertThat(reader.send("DELETE", "/api/tokens/dashboard", null, bearer(token)).status()).isEqualTo(403);
        assertThat(gw.store.tokens().list()).extracting(org.edgegateway.keys.ApiToken::name)
                .containsExactly("dashboard");
    }

    @Test
    void anAdminTokenMintsTokensAndTheDefaultScopeIsAdmin() {
        String token = create(Map.of("name", "automation"));
        assertThat(listed("automation").get("scope").asText()).isEqualTo("admin");
        Https bot = new Https(gw);
        Https.Reply child = bot.send("POST", "/api/tokens", Map.of("name", "scraper", "scope", "metrics"), bearer(token));
        assertThat(child.status()).isEqualTo(201);
        assertThat(child.json().get("scope").asText()).isEqualTo("metrics");
        assertThat(gw.store.audit().pageFor("scraper", Long.MAX_VALUE, 5)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("token:automation");
            assertThat(e.action()).isEqualTo("token.create");
            assertThat(e.detail()).isEqualTo("scope metrics, no expiry");
        });
    }

    @Test
    void aTokenStopsWorkingAtItsExpiryAndTheListSaysSo() {
        Instant expires = gw.webClock.instant().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Https.Reply r = admin.post("/api/tokens", Map.of("name", "temp", "scope", "read-only",
                "expiresAt", expires.toString()));
        assertThat(r.status()).isEqualTo(201);
        assertThat(Instant.parse(r.json().get("expiresAt").asText())).isEqualTo(expires);
        String token = r.json().get("token").asText();
        Https bot = new Https(gw);
        assertThat(bot.send("GET", "/api/clients", null, bearer(token)).status()).isEqualTo(200);
        assertThat(listed("temp").get("active").asBoolean()).isTrue();

        gw.webClock.advance(Duration.ofMinutes(61));
        Https.Reply late = bot.send("GET", "/api/clients", null, bearer(token));
        assertThat(late.status()).isEqualTo(401);
        assertThat(late.json().get("error").asText()).isEqualTo("INVALID_TOKEN");
        assertThat(late.json().get("message").asText()).isEqualTo("API token 'temp' expired at " + expires);
        assertThat(bot.getBytes("/metrics", bearer(token)).statusCode()).isEqualTo(401);
        assertThat(admin.login("admin", PASSWORD).status()).as("the admin's session idled out meanwhile").isEqualTo(200);
        JsonNode view = listed("temp");
        assertThat(view.get("expired").asBoolean()).isTrue();
        assertThat(view.get("active").asBoolean()).isFalse();
    }

    @Test
    void theLastUseOfATokenIsRecorded() {
        String token = create(Map.of("name", "used", "scope", "metrics"));
        assertThat(listed("used").get("lastUsedAt").isNull()).isTrue();
        assertThat(new Https(gw).getBytes("/metrics", bearer(token)).statusCode()).isEqualTo(200);
        assertThat(Instant.parse(listed("used").get("lastUsedAt").asText())).isEqualTo(gw.webClock.instant()
                .truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    @Test
    void aBadScopeOrExpiryIsA400NamingIt() {
        Https.Reply scope = admin.post("/api/tokens", Map.of("name", "x", "scope", "root"));
        assertThat(scope.status()).isEqualTo(400);
        assertThat(scope.json().get("message").asText())
                .isEqualTo("token scope 'root' is not one of admin, read-only, metrics");
        Https.Reply past = admin.post("/api/tokens", Map.of("name", "x", "expiresAt", "2020-01-01T00:00:00Z"));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.json().get("message").asText()).contains("expiry 2020-01-01T00:00:00Z of API token 'x' is not after now");
        Https.Reply garbled = admin.post("/api/tokens", Map.of("name", "x", "expiresAt", "tomorrow"));
        assertThat(garbled.status()).isEqualTo(400);
        assertThat(garbled.json().get("error").asText()).isEqualTo("INVALID");
        assertThat(gw.store.tokens().list()).isEmpty();
    }
}
