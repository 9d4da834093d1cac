package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The REST API over real HTTPS, in front of a real gateway and key store. */
@Timeout(120)
class AdminApiTest extends GatewayTestBase {

    private static final String PASSWORD = "correct horse battery staple";


    @Test
    void firstStartWritesTheAdminPasswordOnceForItsOwnerOnly() throws Exception {
        Path file = gw.config.initialPasswordFile();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String password = gw.initialPassword();
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(gw.store.admins().find("admin")).hasValueSatisfying(u -> {
            assertThat(u.mustChangePassword()).isTrue();
            assertThat(u.passwordHash()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        });

        gw.close();
        gw = new TestGateway(home);
        assertThat(gw.initialPassword()).as("not rewritten at the second start").isEqualTo(password);
    }

    @Test
    void certificateNamesLoopbackAndIsReusedAtTheNextStart() throws Exception {
        String fingerprint = gw.web.certificateFingerprint();
        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(gw.web.certificate().getSubjectAlternativeNames())
                .extracting(l -> l.get(1).toString())
                .contains("localhost", "127.0.0.1");
        // Opened by name as well as by IP: no "400 Invalid SNI" from Jetty's host check.
        Https byName = new Https(gw.web.certificate(), "https://localhost:" + gw.web.port());
        assertThat(byName.get("/").status()).isEqualTo(200);
        assertThat(new Https(gw).get("/").status()).isEqualTo(200);

        gw.close();
        gw = new TestGateway(home);
        assertThat(gw.web.certificateFingerprint()).isEqualTo(fingerprint);
    }

    @Test
    void firstLoginMustChangeThePasswordBeforeAnythingElse() throws Exception {
        Https h = new Https(gw);
        Https.Reply login = h.login("admin", gw.initialPassword());
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.json().get("mustChangePassword").asBoolean()).isTrue();

        Https.Reply blocked = h.get("/api/clients");
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.json().get("error").asText()).isEqualTo("PASSWORD_CHANGE_REQUIRED");

        Https.Reply tooShort = h.post("/api/session/password",
                Map.of("currentPassword", gw.initialPassword(), "newPassword", "short"));
        assertThat(tooShort.status()).isEqualTo(400);

        assertThat(gw.config.initialPasswordFile()).exists();
        Https.Reply changed = h.post("/api/session/password",
                Map.of("currentPassword", gw.initialPassword(), "newPassword", PASSWORD));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(gw.config.initialPasswordFile()).as("the first password's file is gone").doesNotExist();
        assertThat(gw.store.audit().page(Long.MAX_VALUE, 10))
                .anyMatch(a -> a.action().equals("admin.initial-password.delete"));
        assertThat(changed.json().get("mustChangePassword").asBoolean()).isFalse();
        assertThat(h.get("/api/clients").status()).isEqualTo(200);

        assertThat(new Https(gw).login("admin", gw.initialPassword()).status()).isEqualTo(401);
        Https again = new Https(gw);
        assertThat(again.login("admin", PASSWORD).json().get("mustChangePassword").asBoolean()).isFalse();
    }

    @Test
    void anotherAdminReplacingTheOneTimePasswordItWasGivenLeavesTheFirstPasswordsFile() throws Exception {
        String given = "given over the control socket";
        gw.gateway.admin().createAdminUser("ops", org.edgegateway.keys.AdminRole.ADMIN,
                new PasswordHasher().hash(given.toCharArray()), new org.edgegateway.core.admin.Actor("cli:root", "local"));
        Https ops = new Https(gw);
        assertThat(ops.login("ops", given).json().get("mustChangePassword").asBoolean()).isTrue();
        assertThat(ops.post("/api/session/password", Map.of("currentPassword", given, "newPassword", PASSWORD))
                .status()).isEqualTo(200);
        assertThat(gw.config.initialPasswordFile()).as("the first admin has not replaced it yet").exists();
        Https.admin(gw, "the first admin's own");
        assertThat(gw.config.initialPasswordFile()).doesNotExist();
    }

    @Test
    void enrolQuarantineReleaseLimitsRevokeAreAuditedWithUserAndAddress() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        String key = CurveKeyPair.generate().publicZ85();

        Https.Reply enrolled = h.post("/api/clients", Map.of("name", "sensor-1", "publicKey", key));
        assertThat(enrolled.status()).isEqualTo(201);
        assertThat(enrolled.json().get("name").asText()).isEqualTo("sensor-1");
        assertThat(enrolled.json().get("status").asText()).isEqualTo("ACTIVE");
        assertThat(enrolled.json().get("connected").asBoolean()).isFalse();

        assertThat(h.post("/api/clients", Map.of("name", "sensor-1", "publicKey", key)).status()).isEqualTo(409);
        Https.Reply badKey = h.post("/api/clients", Map.of("name", "sensor-2", "publicKey", "nope"));
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.json().get("error").asText()).isEqualTo("INVALID");

        JsonNode list = h.get("/api/clients?q=SENSOR").json();
        assertThat(list.get("total").asInt()).isEqualTo(1);
        assertThat(list.get("clients")).hasSize(1);
        assertThat(h.get("/api/clients?q=nothing-like-it").json().get("clients")).isEmpty();
        assertThat(h.get("/api/clients/sensor-1").json().get("publicKey").asText()).isEqualTo(key);
        assertThat(h.get("/api/clients/ghost").status()).isEqualTo(404);

        Https.Reply q = h.post("/api/clients/sensor-1/quarantine", Map.of("reason", "flooding", "durationSeconds", 600));
        assertThat(q.status()).isEqualTo(200);
        assertThat(q.json().get("status").asText()).isEqualTo("QUARANTINED");
        assertThat(q.json().get("quarantineReason").asText()).isEqualTo("flooding");
        assertThat(h.post("/api/clients/sensor-1/release", null).json().get("status").asText()).isEqualTo("ACTIVE");

        Https.Reply limits = h.send("PUT", "/api/clients/sensor-1/limits",
                Map.of("messagesPerSecond", 5.0, "burst", 10), Map.of());
        assertThat(limits.status()).isEqualTo(200);
        assertThat(limits.json().at("/limits/burst").asInt()).isEqualTo(10);
        Https.Reply badLimits = h.send("PUT", "/api/clients/sensor-1/limits", Map.of("burst", -1), Map.of());
        assertThat(badLimits.status()).isEqualTo(400);
        assertThat(badLimits.json().get("message").asText()).contains("burst");

        assertThat(h.post("/api/clients/sensor-1/revoke", null).json().get("status").asText()).isEqualTo("REVOKED");

        JsonNode audit = h.get("/api/audit?limit=50").json();
        List<String> actions = new java.util.ArrayList<>();
        audit.forEach(e -> {
            if ("sensor-1".equals(e.path("subject").asText())) {
                assertThat(e.get("actor").asText()).isEqualTo("admin");
                assertThat(e.get("source").asText()).isEqualTo("127.0.0.1");
                actions.add(e.get("action").asText());
            }
        });
        assertThat(actions).contains("client.enrol", "client.quarantine", "client.release", "client.limits",
                "client.revoke");
        assertThat(audit.toString()).contains("admin.login", "admin.password");
        long oldest = audit.get(audit.size() - 1).get("id").asLong();
        JsonNode older = h.get("/api/audit?before=" + oldest + "&limit=50").json();
        older.forEach(e -> assertThat(e.get("id").asLong()).isLessThan(oldest));
    }

    @Test
    void enrolsFromAnUploadedPublicCertificateAndRefusesASecretOne() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        CurveKeyPair pair = CurveKeyPair.generate();
        Path dir = home.resolve("certs");
        org.edgegateway.keys.ZCertFiles.writePair(dir, "cam", pair, Map.of());
        String publicCert = Files.readString(dir.resolve("cam.key"));
        String secretCert = Files.readString(dir.resolve("cam.key_secret"));

        Https.Reply secret = h.post("/api/clients", Map.of("name", "cam", "certificate", secretCert));
        assertThat(secret.status()).isEqualTo(400);
        assertThat(secret.body()).doesNotContain(pair.secretZ85());

        Https.Reply ok = h.post("/api/clients", Map.of("name", "cam", "certificate", publicCert));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.json().get("publicKey").asText()).isEqualTo(pair.publicZ85());

        Https.Reply garbage = h.post("/api/clients", Map.of("name", "cam2", "certificate", "hello"));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.json().get("message").asText()).doesNotContain("/tmp");
    }

    @Test
    void generatedBundleDownloadsOnceAndHoldsAMatchingPair() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        Https.Reply made = h.post("/api/clients/generate", Map.of("name", "probe"));
        assertThat(made.status()).isEqualTo(201);
        String enrolledKey = made.json().at("/client/publicKey").asText();
        String url = made.json().get("bundle").asText();

        Https other = new Https(gw);
        assertThat(other.getBytes(url, Map.of()).statusCode()).as("anonymous").isEqualTo(401);

        HttpResponse<byte[]> zip = h.getBytes(url, Map.of());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("content-type")).hasValue("application/zip");
        assertThat(zip.headers().firstValue("content-disposition").orElseThrow()).contains("probe.zip");
        Map<String, String> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(files).containsOnlyKeys("probe/", "probe/probe.key", "probe/probe.key_secret", "probe/server.key");
        Path dir = Files.createDirectories(home.resolve("unzipped"));
        Path zipFile = dir.resolve("probe.zip");
        Files.write(zipFile, zip.body());
        if (Files.isExecutable(Path.of("/usr/bin/unzip"))) {
            Process unzip = new ProcessBuilder("/usr/bin/unzip", "-q", zipFile.toString()).directory(dir.toFile())
                    .redirectErrorStream(true).start();
            assertThat(unzip.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(unzip.exitValue()).isZero();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("probe/probe.key_secret"))))
                    .as("the secret unpacks owner-only").isEqualTo("rw-------");
        } else {
            Files.createDirectories(dir.resolve("probe"));
            Files.writeString(dir.resolve("probe/probe.key_secret"), files.get("probe/probe.key_secret"));
            Files.setPosixFilePermissions(dir.resolve("probe/probe.key_secret"), PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(org.edgegateway.keys.ZCertFiles.read(dir.resolve("probe/probe.key_secret")).publicZ85())
                .isEqualTo(enrolledKey);
        assertThat(files.get("probe/server.key")).contains(gw.serverKeys.publicZ85())
                .contains("endpoint = \"" + gw.gateway.clientEndpoint() + "\"");

        assertThat(h.getBytes(url, Map.of()).statusCode()).as("second download").isEqualTo(404);
        assertThat(h.post("/api/clients/generate", Map.of("name", "probe")).status()).isEqualTo(409);
    }

    @Test
    void aBundleComesAsTarGzOnRequestAndABadFormatIsNamed() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        Https.Reply bad = h.post("/api/clients/generate", Map.of("name", "probe-r", "format", "rar"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("'rar'");
        assertThat(h.get("/api/clients/probe-r").status()).as("nothing enrolled").isEqualTo(404);

        Https.Reply made = h.post("/api/clients/generate", Map.of("name", "probe-t", "format", "tar.gz"));
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().get("fileName").asText()).isEqualTo("probe-t.tar.gz");
        HttpResponse<byte[]> tgz = h.getBytes(made.json().get("bundle").asText(), Map.of());
        assertThat(tgz.statusCode()).isEqualTo(200);
        assertThat(tgz.headers().firstValue("content-type")).hasValue("application/gzip");
        assertThat(tgz.headers().firstValue("content-disposition").orElseThrow()).contains("probe-t.tar.gz");
        Path dir = Files.createDirectories(home.resolve("untarred"));
        Files.write(dir.resolve("b.tar.gz"), tgz.body());
        Process tar = new ProcessBuilder("tar", "-xzf", "b.tar.gz").directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("probe-t/probe-t.key_secret"))))
                .isEqualTo("rw-------");
        assertThat(org.edgegateway.keys.ZCertFiles.read(dir.resolve("probe-t/server.key")).metadata())
                .containsEntry("endpoint", gw.gateway.clientEndpoint());
    }

    @Test
    void apiTokensAuthenticateAutomationUntilRevoked() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        Https.Reply created = h.post("/api/tokens", Map.of("name", "ci"));
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().get("token").asText();
        assertThat(token).startsWith("egw_");
        assertThat(h.get("/api/tokens").body()).contains("\"ci\"").doesNotContain(token)
                .doesNotContain(BearerTokens.hash(token));

        Https bot = new Https(gw);
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
        assertThat(bot.send("GET", "/api/clients", null, bearer).status()).isEqualTo(200);
        Https.Reply enrol = bot.send("POST", "/api/clients",
                Map.of("name", "by-token", "publicKey", CurveKeyPair.generate().publicZ85()), bearer);
        assertThat(enrol.status()).as("no CSRF token needed with a Bearer token").isEqualTo(201);
        assertThat(enrol.json().get("enrolledBy").asText()).isEqualTo("token:ci");

        HttpResponse<byte[]> metrics = bot.getBytes("/metrics", bearer);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(new String(metrics.body(), StandardCharsets.UTF_8)).contains("egw_messages_in_total");
        assertThat(bot.getBytes("/metrics", Map.of()).statusCode()).isEqualTo(401);

        assertThat(h.send("DELETE", "/api/tokens/ci", null, Map.of()).status()).isEqualTo(200);
        Https.Reply revoked = bot.send("GET", "/api/clients", null, bearer);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.json().get("error").asText()).isEqualTo("INVALID_TOKEN");
        assertThat(bot.send("GET", "/api/clients", null, Map.of("Authorization", "Bearer egw_madeup")).status())
                .isEqualTo(401);
    }

    @Test
    void tokenCreatedOutsideTheWebServerWorks() throws Exception {
        String token = gw.gateway.admin().createApiToken("cli-made", org.edgegateway.keys.TokenScope.READ_ONLY, null,
                new org.edgegateway.core.admin.Actor("cli:root", "local")).secret();
        Https bot = new Https(gw);
        assertThat(bot.send("GET", "/api/stats", null, Map.of("Authorization", "Bearer " + token)).status())
                .isEqualTo(200);
    }

    @Test
    void statsConnectionsAndInfoAnswer() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        assertThat(h.get("/api/stats").json().has("messagesIn")).isTrue();
        assertThat(h.get("/api/connections").json().isArray()).isTrue();
        JsonNode info = h.get("/api/info").json();
        assertThat(info.get("serverPublicKey").asText()).isEqualTo(gw.serverKeys.publicZ85());
        assertThat(info.get("certificateFingerprint").asText()).isEqualTo(gw.web.certificateFingerprint());
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        Https h = Https.admin(gw, PASSWORD);
        assertThat(h.send("DELETE", "/api/session", null, Map.of()).status()).isEqualTo(200);
        assertThat(h.get("/api/clients").status()).isEqualTo(401);
    }
}
