package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening of issue 14 as an admin meets it: the unpacked bundle run as processes, libzmq
 * clients (Debian's python3-zmq) on loopback, the CLI, the admin API, the metrics and doctor. A
 * revoked subscriber is cut off; a site of 150 sensors behind one address reconnects after a restart
 * without getting its address banned, while an attacker from that address still is; an upstream
 * that refuses an edge's uplink is visible on the edge, whose messages stay queued.
 */
@Timeout(600)
class HardeningIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SITE = 150;

    /** A gateway's environment on loopback: every port of its own, free now; {@code more} on top. */
    private static Map<String, String> loopback(int adminPort, String... more) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "EGW_GATEWAY_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort(),
                "EGW_PUBSUB_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort(),
                "EGW_WORKERS_ENDPOINT", "tcp://127.0.0.1:" + BundleProcess.freePort(),
                "EGW_ADMIN_PORT", Integer.toString(adminPort)));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static Path base() {
        return Path.of(System.getProperty("egw.bundle"));
    }

    /** Debian's python3-zmq: skipped without it, except in CI, where it must be installed. */
    private static void requirePyzmq() throws Exception {
        boolean present = BundleIT.pyzmq();
        assertThat(present || !"true".equals(System.getenv("CI"))).as("python3-zmq must be installed in CI").isTrue();
        assumeTrue(present, "Debian's python3-zmq is not installed");
    }

    private static BundleProcess.Result ok(BundleProcess.Result r) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        return r;
    }

    /** The running gateway's Prometheus text. */
    private static String metrics(BundleProcess bundle) throws Exception {
        HttpResponse<String> r = bundle.api("GET", "/metrics", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** The value of the series {@code name} (with {@code label}, such as {@code reason="revoked"}, when not null). */
    static double metric(String scrape, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(scrape);
        while (m.find()) {
            if (label == null || (m.group(1) != null && m.group(1).contains(label))) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no series " + name + (label == null ? "" : "{" + label + "}") + " in:\n" + scrape);
    }

    private static JsonNode getJson(BundleProcess bundle, String path) throws Exception {
        HttpResponse<String> r = bundle.api("GET", path, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** Calls {@code check} every 500 ms until it holds or {@code timeout} passes; whether it held. */
    private static boolean await(Duration timeout, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (check.holds()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(500);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    /** A libzmq CURVE subscriber of {@code prefix} with the bundle in {@code certs} of client {@code name}. */
    private static BundleProcess.Lines subscriber(Path dir, BundleProcess bundle, Path certs, String name, String prefix)
            throws Exception {
        Path script = BundleProcess.script(dir, "subscriber.py");
        return new BundleProcess.Lines(new ProcessBuilder(BundleIT.PYTHON, script.toString(),
                bundle.env().get("EGW_PUBSUB_ENDPOINT"),
                certs.resolve(name + ".key_secret").toString(), certs.resolve("server.key").toString(), prefix),
                "python-" + name);
    }

    @Test
    void aRevokedSubscriberIsCutOffWhileItsNeighbourKeepsReceiving(@TempDir Path dir) throws Exception {
        requirePyzmq();
        try (BundleProcess bundle = new BundleProcess(base(), dir.resolve("home"), loopback(BundleProcess.freePort()))) {
            bundle.startGateway();
            ok(bundle.run("clients", "add", "watcher", "--generate", "--out", dir.resolve("watcher").toString()));
            ok(bundle.run("clients", "add", "neighbour", "--generate", "--out", dir.resolve("neighbour").toString()));
            try (BundleProcess.Lines watcher = subscriber(dir, bundle, dir.resolve("watcher"), "watcher", "alerts/");
                 BundleProcess.Lines neighbour = subscriber(dir, bundle, dir.resolve("neighbour"), "neighbour", "alerts/")) {
                // Both receive what the CLI publishes (a late subscriber gets the last value).
                boolean both = false;
                for (int n = 0; n < 20 && !both; n++) {
                    ok(bundle.run("topics", "publish", "alerts/site-1", "--data", "before-" + n));
                    both = watcher.await(Duration.ofSeconds(2), l -> l.startsWith("alerts/site-1|before-")) != null
                            && neighbour.await(Duration.ofSeconds(2), l -> l.startsWith("alerts/site-1|before-")) != null;
                }
                assertThat(both).as("watcher printed %s, neighbour printed %s", watcher.lines(), neighbour.lines()).isTrue();
                assertThat(metric(metrics(bundle), "egw_zap_denials_total", "reason=\"revoked\"")).isZero();

                ok(bundle.run("clients", "revoke", "watcher"));
                // From one second after the revocation returned on, nothing reaches the watcher: publications
                // through the API at once (a command takes longer than a second to start), then through the
                // CLI. The neighbour on the same address still receives them (its connection may have been
                // cut too, and came back).
                Thread.sleep(1000);
                for (int n = 0; n < 5; n++) {
                    HttpResponse<String> published = bundle.api("POST", "/api/topics/publish",
                            JSON.writeValueAsString(Map.of("topic", "alerts/site-1", "payload", "after-api-" + n)));
                    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
                    Thread.sleep(200);
                }
                String received = null;
                for (int n = 0; n < 15 && received == null; n++) {
                    ok(bundle.run("topics", "publish", "alerts/site-1", "--data", "after-" + n));
                    received = neighbour.await(Duration.ofSeconds(2), l -> l.startsWith("alerts/site-1|after-"));
                }
                assertThat(received).as("neighbour printed %s", neighbour.lines()).isNotNull();
                // The watcher's connection was cut: libzmq reconnected it, and the handshake was refused.
                assertThat(await(Duration.ofSeconds(30), () -> metric(metrics(bundle), "egw_zap_denials_total",
                        "reason=\"revoked\"") > 0)).as("a refused handshake of the revoked watcher").isTrue();
                ok(bundle.run("topics", "publish", "alerts/site-1", "--data", "after-last"));
                assertThat(neighbour.await(Duration.ofSeconds(20), l -> l.equals("alerts/site-1|after-last")))
                        .as("neighbour printed %s", neighbour.lines()).isNotNull();
                assertThat(watcher.process().isAlive()).as("the watcher still runs; it printed %s", watcher.lines()).isTrue();
                assertThat(watcher.lines()).as("what the watcher received").noneMatch(l -> l.contains("after-"));
                assertThat(bundle.gatewayOutput()).anyMatch(l -> l.contains("pubsub: cut ")
                        && l.contains("subscriber connection(s) from 127.0.0.1 that may belong to watcher"));
                assertThat(bundle.run("clients", "list").out()).containsPattern("watcher\\s+revoked")
                        .containsPattern("neighbour\\s+active");
            }
            assertThat(bundle.stopGateway()).isZero();
        }
    }

    @Test
    void aSiteBehindOneAddressReconnectsAfterARestartAndAnAttackerBesideItIsBanned(@TempDir Path dir) throws Exception {
        requirePyzmq();
        // The bundle runs with the documented defaults: loopback is not exempt from bans, and the site is
        // larger than every threshold of failed handshakes.
        AdmissionConfig defaults = AdmissionConfig.defaults();
        assertThat(defaults.banExemptLoopback()).isFalse();
        assertThat(defaults.banHandshakes()).isLessThan(SITE);
        assertThat(defaults.banAuthFailures()).isLessThan(SITE);
        try (BundleProcess bundle = new BundleProcess(base(), dir.resolve("home"), loopback(BundleProcess.freePort()))) {
            bundle.startGateway();
            Path certs = Files.createDirectories(dir.resolve("site"));
            JsonNode info = getJson(bundle, "/api/info");
            ZCertFiles.writePublic(certs.resolve("server.key"), ZCert.ofPublic(
                    Z85.decodeKey(info.get("serverPublicKey").asText()), Map.of("endpoint", info.get("clientEndpoint").asText())));
            // Enrolled through the admin API, four at a time.
            List<Callable<HttpResponse<String>>> enrolments = new ArrayList<>();
            List<String> command = new ArrayList<>(List.of(BundleIT.PYTHON, BundleProcess.script(dir, "site.py").toString(),
                    bundle.env().get("EGW_GATEWAY_ENDPOINT"), certs.resolve("server.key").toString()));
            for (int i = 0; i < SITE; i++) {
                String name = "sensor-" + i;
                CurveKeyPair keys = CurveKeyPair.generate();
                ZCertFiles.writePair(certs, name, keys, Map.of("name", name));
                String body = JSON.writeValueAsString(Map.of("name", name, "publicKey", keys.publicZ85()));
                enrolments.add(() -> bundle.api("POST", "/api/clients", body));
                command.add(certs.resolve(name + ".key_secret").toString());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (Future<HttpResponse<String>> f : pool.invokeAll(enrolments)) {
                    assertThat(f.get().statusCode()).as(f.get().body()).isEqualTo(201);
                }
            } finally {
                pool.shutdownNow();
            }

            try (BundleProcess.Lines site = new BundleProcess.Lines(new ProcessBuilder(command), "python-site")) {
                site.send("send before 60");
                String before = site.await(Duration.ofSeconds(90), l -> l.startsWith("before "));
                assertThat(before).as("the site printed %s", site.lines()).isEqualTo("before acked=150 missing=-");

                // A restart: every sensor loses its connection, and libzmq brings all of them back at once.
                assertThat(bundle.stopGateway()).isZero();
                bundle.startGateway();
                site.send("send after 60");
                String after = site.await(Duration.ofSeconds(90), l -> l.startsWith("after "));
                assertThat(after).as("the site printed %s", site.lines()).isEqualTo("after acked=150 missing=-");
                String scrape = metrics(bundle);
                assertThat(metric(scrape, "egw_zap_allowed_total", null)).isGreaterThanOrEqualTo(SITE);
                assertThat(metric(scrape, "egw_bans_total", null)).as("enrolled keys reconnecting at once ban nobody").isZero();
                assertThat(metric(scrape, "egw_quarantines_total", null)).isZero();
                assertThat(getJson(bundle, "/api/bans")).isEmpty();
                site.send("probe open 20");
                assertThat(site.await(Duration.ofSeconds(30), l -> l.startsWith("open "))).isEqualTo("open ACK");

                // Unknown keys from the same address: twice as many refusals as ban it.
                site.send("attack " + 2 * defaults.banAuthFailures());
                assertThat(site.await(Duration.ofSeconds(60), l -> l.startsWith("attacked="))).isNotNull();
                assertThat(await(Duration.ofSeconds(30), () -> !getJson(bundle, "/api/bans").isEmpty())).isTrue();
                JsonNode ban = getJson(bundle, "/api/bans").get(0);
                assertThat(ban.get("address").asText()).isEqualTo("127.0.0.1");
                assertThat(ban.get("reason").asText()).endsWith("failed authentications within 60 s");
                assertThat(bundle.run("bans", "list").out()).containsPattern("127\\.0\\.0\\.1\\s+\\d+ failed authentications");

                // Banned: a new connection from there is refused, even with an enrolled key.
                site.send("probe banned 5");
                assertThat(site.await(Duration.ofSeconds(30), l -> l.startsWith("banned "))).isEqualTo("banned TIMEOUT");
                scrape = metrics(bundle);
                assertThat(metric(scrape, "egw_zap_denials_total", "reason=\"banned\"")).isPositive();
                assertThat(metric(scrape, "egw_zap_denials_total", "reason=\"unknown-key\""))
                        .isGreaterThanOrEqualTo(defaults.banAuthFailures());
                site.endInput();
            }
            assertThat(bundle.stopGateway()).isZero();
        }
    }

    @Test
    void anUpstreamRefusingTheUplinkIsVisibleOnTheEdgeAndItsMessagesStayQueued(@TempDir Path dir) throws Exception {
        requirePyzmq();
        Path upHome = dir.resolve("upstream");
        Map<String, String> upEnv = loopback(0);
        try (BundleProcess upstream = new BundleProcess(base(), upHome, upEnv)) {
            // uplink.receive is left at its default, false: the upstream has no handler for UPLINK.
            upstream.startGateway();
            Path uplinkBundle = dir.resolve("uplink-bundle");
            ok(upstream.run("clients", "add", "edge-1", "--generate", "--out", uplinkBundle.toString()));

            try (BundleProcess edge = new BundleProcess(base(), dir.resolve("edge"), loopback(BundleProcess.freePort(),
                    "EGW_UPLINK_BUNDLE", uplinkBundle.toString(), "EGW_UPLINK_RETRY_MAX", "500ms"))) {
                edge.startGateway();
                Path sensor = dir.resolve("sensor");
                ok(edge.run("clients", "add", "sensor-1", "--generate", "--out", sensor.toString()));
                BundleProcess.Result sent = BundleIT.python(dir, edge.env().get("EGW_GATEWAY_ENDPOINT"), sensor, "sensor-1",
                        "JSON={\"i\": 1}", "JSON={\"i\": 2}", "JSON={\"i\": 3}", "JSON={\"i\": 4}", "JSON={\"i\": 5}");
                assertThat(sent.exitCode()).as(sent.out() + sent.err()).isZero();
                assertThat(sent.out().lines()).hasSize(5).allMatch(l -> l.equals("ACK | JSON received (8 bytes)"));

                // The edge says why, once, in its log.
                assertThat(await(Duration.ofSeconds(60), () -> edge.gatewayOutput().stream()
                        .anyMatch(l -> l.contains(" WARN ") && l.contains("refuses uplink traffic:"))))
                        .as("the edge printed:\n%s", String.join("\n", edge.gatewayOutput())).isTrue();
                assertThat(edge.gatewayOutput()).filteredOn(l -> l.contains("refuses uplink traffic:")).singleElement()
                        .satisfies(w -> assertThat(w).contains(" WARN ").contains(upEnv.get("EGW_GATEWAY_ENDPOINT"))
                                .contains("UNKNOWN_TYPE: no handler for type UPLINK").contains("set uplink.receive=true")
                                .contains("messages stay queued"));

                // The metrics say so, and nothing was dropped.
                assertThat(await(Duration.ofSeconds(30), () -> metric(metrics(edge), "egw_uplink_waiting", null) == 5))
                        .as(metrics(edge)).isTrue();
                String scrape = metrics(edge);
                assertThat(metric(scrape, "egw_uplink_refused", null)).isEqualTo(1.0);
                assertThat(metric(scrape, "egw_uplink_refusals_total", null)).isGreaterThanOrEqualTo(1.0);
                assertThat(metric(scrape, "egw_uplink_forwarded_total", null)).isZero();
                assertThat(metric(scrape, "egw_uplink_dead_lettered_total", null)).isZero();
                JsonNode uplink = getJson(edge, "/api/stats").get("uplink");
                assertThat(uplink.get("refusal").asText()).isEqualTo("UNKNOWN_TYPE: no handler for type UPLINK");
                assertThat(uplink.get("waiting").asLong()).isEqualTo(5);

                // And so does doctor.
                BundleProcess.Result doctor = edge.run("doctor");
                assertThat(doctor.exitCode()).as(doctor.out()).isEqualTo(Main.FAILED);
                assertThat(doctor.out()).contains("FAIL  uplink: the upstream refuses this edge's traffic since ")
                        .contains("UNKNOWN_TYPE: no handler for type UPLINK; 5 messages wait in the queue")
                        .contains("set uplink.receive=true");

                // The upstream takes uplink traffic from its next start on: the queue drains.
                assertThat(upstream.stopGateway()).isZero();
                Map<String, String> receiving = new HashMap<>(upEnv);
                receiving.put("EGW_UPLINK_RECEIVE", "true");
                try (BundleProcess upstreamAgain = new BundleProcess(base(), upHome, receiving)) {
                    upstreamAgain.startGateway();
                    assertThat(await(Duration.ofSeconds(60), () -> {
                        String s = metrics(edge);
                        return metric(s, "egw_uplink_waiting", null) == 0 && metric(s, "egw_uplink_forwarded_total", null) == 5;
                    })).as(metrics(edge)).isTrue();
                    assertThat(metric(metrics(edge), "egw_uplink_refused", null)).isZero();
                    assertThat(edge.gatewayOutput()).anyMatch(l -> l.contains("accepts uplink traffic again"));
                    BundleProcess.Result healthy = edge.run("doctor");
                    assertThat(healthy.out()).contains("OK  uplink: connected, 5 forwarded, 0 waiting, 0 dead-lettered")
                            .doesNotContain("FAIL");
                    assertThat(upstreamAgain.stopGateway()).isZero();
                }
                assertThat(edge.stopGateway()).isZero();
            }
        }
    }
}
