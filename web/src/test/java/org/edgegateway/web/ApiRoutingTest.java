package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.edgegateway.keys.KeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a request finds its endpoint and what answers it otherwise: {@link ApiHandler}, {@link ApiGate}
 * and {@link ApiRoutes} with endpoints that echo, in memory through Jetty's {@link LocalConnector}.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiRoutingTest {

    private KeyStore store;
    private Server server;
    private LocalConnector connector;
    private Sessions.Session session;

    @BeforeAll
    void start(@TempDir Path home) throws Exception {
        store = KeyStore.open(KeyStore.fileUrl(home.resolve("data")));
        MutableClock clock = new MutableClock(Instant.now());
        Sessions sessions = new Sessions(Duration.ofMinutes(30), Duration.ofHours(8), clock, store.admins());
        session = sessions.create(store.admins().create("admin", "h", org.edgegateway.keys.AdminRole.ADMIN, false,
                "test", null));
        ApiRoutes routes = new ApiRoutes()
                .area("/api/things")
                .on("GET", "/api/things", x -> Map.of("list", true))
                .on("GET", "/api/things/pending", x -> Map.of("pending", true))
                .on("DELETE", "/api/things/{id}", x -> Map.of("deleted", x.param("id")))
                .only("POST", "/api/things/{id}/poke", x -> Map.of("poked", x.param("id") + " by " + x.caller().name()))
                .only("GET", "/api/plain", x -> Map.of("plain", true))
                .area("/api/session")
                .on("GET", "/api/session", x -> Map.of("user", x.caller().name()))
                .on("GET", "/api/session/extra", x -> Map.of("user", x.caller().name()));
        new MetricsApi(() -> "egw_up 1\n").addTo(routes);
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        server.setHandler(new ApiHandler(new ApiGate(routes, new BearerTokens(store, clock), sessions,
                new SessionCookie(false), false, false, clock)));
        server.start();
    }

    @AfterAll
    void stop() throws Exception {
        server.stop();
        store.close();
    }

    private HttpTester.Response send(String method, String path, boolean withSession) throws Exception {
        String request = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (withSession ? "Cookie: " + SessionCookie.PLAIN_NAME + "=" + session.id() + "\r\n"
                + ApiGate.CSRF_HEADER + ": " + session.csrfToken() + "\r\n" : "")
                + "\r\n";
        HttpTester.Response response = HttpTester.parseResponse(connector.getResponse(request));
        assertThat(response.get("Cache-Control")).as(method + " " + path).isEqualTo("no-store");
        return response;
    }

    private HttpTester.Response admin(String method, String path) throws Exception {
        return send(method, path, true);
    }

    @Test
    void aPathOfOneMethodRefusesAnotherWith405NamingIt() throws Exception {
        HttpTester.Response post = admin("POST", "/api/plain");
        assertThat(post.getStatus()).isEqualTo(405);
        assertThat(post.getContent())
                .isEqualTo("{\"error\":\"METHOD_NOT_ALLOWED\",\"message\":\"POST is not allowed here; use GET\"}");
        assertThat(admin("GET", "/api/things/7/poke").getContent()).contains("GET is not allowed here; use POST");
        assertThat(admin("POST", "/api/things/7/poke").getContent()).isEqualTo("{\"poked\":\"7 by admin\"}");
    }

    @Test
    void unknownPathsAre404AsJsonNamingTheMethodWithinAnArea() throws Exception {
        HttpTester.Response put = admin("PUT", "/api/things");
        assertThat(put.getStatus()).isEqualTo(404);
        assertThat(put.getContent())
                .isEqualTo("{\"error\":\"NOT_FOUND\",\"message\":\"no such API endpoint: PUT /api/things\"}");
        assertThat(admin("GET", "/api/things/7/tickle").getContent())
                .contains("no such API endpoint: GET /api/things/7/tickle");
        assertThat(admin("GET", "/api/plain/more").getContent()).contains("\"no such API endpoint: /api/plain/more\"");
        assertThat(admin("GET", "/api/nowhere").getContent()).contains("\"no such API endpoint: /api/nowhere\"");
        assertThat(admin("GET", "/api/").getContent()).contains("\"no such API endpoint: /api\"");
    }

    @Test
    void eachMethodHasItsOwnRoutes() throws Exception {
        assertThat(admin("GET", "/api/things/pending").getContent()).isEqualTo("{\"pending\":true}");
        assertThat(admin("DELETE", "/api/things/pending").getContent()).isEqualTo("{\"deleted\":\"pending\"}");
    }

    @Test
    void segmentsAreDecodedAndATrailingSlashIsDropped() throws Exception {
        assertThat(admin("GET", "/api/things/").getContent()).isEqualTo("{\"list\":true}");
        assertThat(admin("DELETE", "/api/things/%3A%3A1").getContent()).isEqualTo("{\"deleted\":\"::1\"}");
        assertThat(admin("DELETE", "/api/things/a%20b").getContent()).isEqualTo("{\"deleted\":\"a b\"}");
        assertThat(admin("DELETE", "/api/things/a%3Fb").getContent()).isEqualTo("{\"deleted\":\"a?b\"}");
    }

    @Test
    void aDotSegmentIsANameNeverAStepUp() throws Exception {
        assertThat(admin("GET", "/api/things/../plain").getContent())
                .contains("no such API endpoint: GET /api/things/../plain");
        HttpTester.Response around = send("GET", "/api/session/../things", false);
        assertThat(around.getStatus()).as("no way past the gate").isEqualTo(404);
        assertThat(around.getContent()).doesNotContain("list");
    }

    @Test
    void theGateDecidesFirstSaveForTheSessionEndpointsAndAMetricsMethod() throws Exception {
        assertThat(send("GET", "/api/nowhere", false).getStatus()).isEqualTo(401);
        assertThat(send("GET", "/api/session", false).getStatus()).isEqualTo(401);
        assertThat(admin("GET", "/api/session").getContent()).isEqualTo("{\"user\":\"admin\"}");
        assertThat(send("GET", "/api/session/x", false).getStatus()).as("no endpoint, no caller needed").isEqualTo(404);
        HttpTester.Response extra = admin("GET", "/api/session/extra");
        assertThat(extra.getStatus()).as("a route the gate admits no caller for fails closed").isEqualTo(401);

        HttpTester.Response post = send("POST", "/metrics", false);
        assertThat(post.getStatus()).isEqualTo(405);
        assertThat(post.getContent()).contains("use GET /metrics");
        HttpTester.Response get = send("GET", "/metrics", false);
        assertThat(get.getStatus()).isEqualTo(401);
        assertThat(get.getContent()).contains("/metrics needs Authorization: Bearer TOKEN");
    }
}
