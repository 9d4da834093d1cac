package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** CSRF, authentication, throttling, headers and error answers, over real HTTPS. */
@Timeout(120)
class SecurityTest {

    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path home;
    TestGateway gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void anonymousApiCallsGet401AsJson() {
        gw = new TestGateway(home);
        Https anonymous = new Https(gw);
        for (String path : new String[] {"/api/clients", "/api/audit", "/api/tokens", "/api/stats", "/api/session",
                "/api/connections", "/api/info", "/api/bans", "/api/plugins", "/api/plugins/string",
                "/api/clients/x/messages"}) {
            Https.Reply r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(401);
            assertThat(r.json().get("error").asText()).as(path).isEqualTo("UNAUTHENTICATED");
        }
        Https.Reply post = anonymous.post("/api/clients",
                Map.of("name", "x", "publicKey", CurveKeyPair.generate().publicZ85()));
        assertThat(post.status()).isEqualTo(401);
        assertThat(gw.store.clients().findByName("x")).isEmpty();
        Https.Reply forged = anonymous.send("GET", "/api/clients", null,
                Map.of("Cookie", SessionCookie.TLS_NAME + "=forged"));
        assertThat(forged.status()).isEqualTo(401);
    }

    @Test
    void stateChangingRequestsWithoutTheCsrfTokenAreRefused() throws Exception {
        gw = new TestGateway(home);
        Https h = Https.admin(gw, PASSWORD);
        String key = CurveKeyPair.generate().publicZ85();

        Https.Reply missing = h.send("POST", "/api/clients", Map.of("name", "a", "publicKey", key),
                Map.of("X-CSRF-Token", ""));
        assertThat(missing.status()).isEqualTo(403);
        assertThat(missing.json().get("error").asText()).isEqualTo("CSRF");
        Https.Reply wrong = h.send("POST", "/api/clients", Map.of("name", "a", "publicKey", key),
                Map.of("X-CSRF-Token", "guess"));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(h.send("DELETE", "/api/session", null, Map.of("X-CSRF-Token", "guess")).status()).isEqualTo(403);
        assertThat(gw.store.clients().findByName("a")).isEmpty();

        Https.Reply foreign = h.send("POST", "/api/clients", Map.of("name", "a", "publicKey", key),
                Map.of("Origin", "https://evil.example"));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.json().get("error").asText()).isEqualTo("BAD_ORIGIN");

        Https.Reply form = h.send("POST", "/api/clients", "name=a&publicKey=" + key,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(form.status()).as("a form post is refused").isEqualTo(415);
        assertThat(gw.store.clients().findByName("a")).isEmpty();

        Https.Reply sameOrigin = h.send("POST", "/api/clients", Map.of("name", "a", "publicKey", key),
                Map.of("Origin", gw.baseUrl()));
        assertThat(sameOrigin.status()).isEqualTo(201);
    }

    @Test
    void loginIsThrottledAfterRepeatedFailuresUntilTheWindowPasses() throws Exception {
        gw = new TestGateway(home, c -> c.withLoginThrottle(3, Duration.ofMinutes(10)));
        String password = gw.initialPassword();
        Https h = new Https(gw);
        for (int i = 0; i < 3; i++) {
            Https.Reply r = h.login("admin", "wrong-" + i);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("error").asText()).isEqualTo("BAD_CREDENTIALS");
        }
        Https.Reply refused = h.login("admin", password);
        assertThat(refused.status()).as("even the right password is refused while throttled").isEqualTo(429);
        assertThat(refused.json().get("error").asText()).isEqualTo("THROTTLED");
        assertThat(Long.parseLong(refused.header("retry-after"))).isPositive();

        gw.webClock.advance(Duration.ofMinutes(11));
        assertThat(h.login("admin", password).status()).isEqualTo(200);
        assertThat(gw.store.audit().page(Long.MAX_VALUE, 50)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("admin.login.failed");
            assertThat(e.source()).isEqualTo("127.0.0.1");
        });
    }

    @Test
    void unknownUsersAreRefusedLikeWrongPasswords() throws Exception {
        gw = new TestGateway(home);
        Https.Reply r = new Https(gw).login("nobody", "whatever-it-is");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("message").asText()).isEqualTo("wrong user name or password");
        Https.Reply hostile = new Https(gw).login("<script>alert(1)</script>", "x");
        assertThat(hostile.status()).isEqualTo(401);
    }

    @Test
    void sessionsExpireAfterTheIdleTimeout() throws Exception {
        gw = new TestGateway(home, c -> c.withSessionIdleTimeout(Duration.ofMinutes(5)));
        Https h = Https.admin(gw, PASSWORD);
        gw.webClock.advance(Duration.ofMinutes(4));
        assertThat(h.get("/api/clients").status()).isEqualTo(200);
        gw.webClock.advance(Duration.ofMinutes(4));
        assertThat(h.get("/api/clients").status()).as("idle timer restarted by the last request").isEqualTo(200);
        gw.webClock.advance(Duration.ofMinutes(6));
        assertThat(h.get("/api/clients").status()).isEqualTo(401);
    }

    @Test
    void theUisBackgroundPollingDoesNotKeepASessionAlive() throws Exception {
        gw = new TestGateway(home, c -> c.withSessionIdleTimeout(Duration.ofMinutes(5)));
        Https h = Https.admin(gw, PASSWORD);
        Map<String, String> poll = Map.of(ApiGate.BACKGROUND_HEADER, "1");
        for (int i = 0; i < 4; i++) {
            gw.webClock.advance(Duration.ofMinutes(1));
            assertThat(h.send("GET", "/api/stats", null, poll).status()).as("poll %d", i).isEqualTo(200);
        }
        gw.webClock.advance(Duration.ofMinutes(1).plusSeconds(1));
        Https.Reply late = h.send("GET", "/api/stats", null, poll);
        assertThat(late.status()).as("5 minutes with nothing but polling").isEqualTo(401);
        assertThat(late.json().get("error").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(h.get("/api/clients").status()).isEqualTo(401);
    }

    @Test
    void sessionsEndAtTheirLifetimeHoweverActive() throws Exception {
        gw = new TestGateway(home, c -> c.withSessionIdleTimeout(Duration.ofMinutes(30))
                .withSessionLifetime(Duration.ofHours(2)));
        Https h = Https.admin(gw, PASSWORD);
        for (int i = 0; i < 7; i++) {
            gw.webClock.advance(Duration.ofMinutes(17));
            assertThat(h.get("/api/clients").status()).as("active after %d min", 17 * (i + 1)).isEqualTo(200);
        }
        gw.webClock.advance(Duration.ofMinutes(2));
        assertThat(h.get("/api/clients").status()).as("2 h after login").isEqualTo(401);
        assertThat(h.login("admin", PASSWORD).status()).as("a new login works").isEqualTo(200);
        assertThat(h.get("/api/clients").status()).isEqualTo(200);
    }

    @Test
    void sessionCookieIsHttpOnlyStrictSecureAndHostOnly() throws Exception {
        gw = new TestGateway(home);
        Https h = new Https(gw);
        Https.Reply login = h.login("admin", gw.initialPassword());
        String cookie = login.header("set-cookie");
        assertThat(cookie).startsWith("__Host-egw_session=").contains("HttpOnly").contains("Secure")
                .containsIgnoringCase("SameSite=Strict").contains("Path=/").doesNotContainIgnoringCase("Domain");
    }

    @Test
    void securityHeadersOnEveryResponse() throws Exception {
        gw = new TestGateway(home);
        Https h = new Https(gw);
        for (String path : new String[] {"/", "/app.js", "/app.css", "/api/clients", "/no/such/page", "/api/nope"}) {
            Https.Reply r = h.get(path);
            assertThat(r.header("content-security-policy")).as(path)
                    .contains("default-src 'self'", "script-src 'self'", "object-src 'none'",
                            "frame-ancestors 'none'", "base-uri 'none'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(r.header("x-content-type-options")).as(path).isEqualTo("nosniff");
            assertThat(r.header("referrer-policy")).as(path).isEqualTo("no-referrer");
            assertThat(r.header("server")).as(path).isNull();
        }
        assertThat(h.get("/api/clients").header("cache-control")).isEqualTo("no-store");
        assertThat(h.get("/").body()).contains("<script src=\"/app.js\"").doesNotContain("onclick=")
                .doesNotContainPattern("<script>[^<]");
    }

    @Test
    void badInputGetsJsonErrorsWithoutStackTraces() throws Exception {
        gw = new TestGateway(home);
        Https h = Https.admin(gw, PASSWORD);
        Https.Reply malformed = h.send("POST", "/api/clients", "{\"name\": ", Map.of());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("error").asText()).isEqualTo("INVALID");
        Https.Reply unknown = h.post("/api/clients", Map.of("name", "a", "publicKey", "x", "colour", "red"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("message").asText()).contains("colour");
        Https.Reply badName = h.post("/api/clients",
                Map.of("name", "<script>", "publicKey", CurveKeyPair.generate().publicZ85()));
        assertThat(badName.status()).isEqualTo(400);
        Https.Reply notFound = h.get("/api/nothing");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json().get("error").asText()).isEqualTo("NOT_FOUND");
        Https.Reply wrongMethod = h.send("DELETE", "/api/stats", null, Map.of());
        assertThat(wrongMethod.status()).isEqualTo(405);
        Https.Reply huge = h.send("POST", "/api/clients", "{\"name\":\"" + "a".repeat(70_000) + "\"}", Map.of());
        assertThat(huge.status()).isEqualTo(413);
        Https.Reply array = h.send("POST", "/api/clients", "[1]", Map.of());
        assertThat(array.status()).isEqualTo(400);
        assertThat(array.json().get("message").asText()).isEqualTo("a JSON object is required");
        Https.Reply wrongShape = h.send("POST", "/api/clients", "{\"name\": {\"a\": 1}}", Map.of());
        assertThat(wrongShape.status()).isEqualTo(400);
        assertThat(wrongShape.json().get("message").asText()).isEqualTo("field 'name' must be text");
        for (Https.Reply r : new Https.Reply[] {malformed, unknown, badName, notFound, wrongMethod, huge, array,
                wrongShape}) {
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("org.eclipse")
                    .doesNotContain("org.edgegateway").doesNotContain("com.fasterxml").doesNotContain("`");
        }
        assertThat(h.get("/../../etc/passwd").status()).isIn(400, 404);
    }

    @Test
    void metricsCanBeConfiguredOpen() {
        gw = new TestGateway(home, c -> c.withMetricsOpen(true));
        assertThat(new Https(gw).getBytes("/metrics", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void plainHttpOnlyWhenConfiguredAndThenCookieIsNotSecure() throws Exception {
        gw = new TestGateway(home, c -> c.withTls(false));
        assertThat(gw.web.certificateFingerprint()).isNull();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        var r = client.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + gw.web.port() + "/api/session"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"username\":\"admin\",\"password\":\"" + gw.initialPassword() + "\"}"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("set-cookie").orElseThrow()).startsWith("egw_session=")
                .doesNotContain("Secure").contains("HttpOnly");
    }
}
