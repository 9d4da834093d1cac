package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.plugins.PluginSignatures;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.web.testplugin.NoteHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Plugins, bans and a client's recent messages through the REST API over real HTTPS, in front of a
 * real gateway with a real plugin host and real CURVE clients.
 */
@Timeout(180)
class PluginsAndBansApiTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final long UPLOAD_LIMIT = 256 * 1024;

    @TempDir
    Path home;
    @TempDir
    Path work;
    TestGateway gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private TestGateway pluginGateway() {
        gw = TestGateway.withPlugins(home, AdmissionConfig.defaults(), UPLOAD_LIMIT);
        return gw;
    }

    @Test
    void pluginsAreListedStoppedStartedReloadedAndUnloadedWithAnAuditRow() throws Exception {
        pluginGateway();
        Https h = Https.admin(gw, PASSWORD);
        JsonNode list = h.get("/api/plugins").json();
        assertThat(list).extracting(p -> p.get("id").asText()).containsExactly("binary", "string");
        JsonNode string = list.get(1);
        assertThat(string.get("state").asText()).isEqualTo("STARTED");
        assertThat(string.get("builtin").asBoolean()).isTrue();
        assertThat(string.get("types")).extracting(JsonNode::asText).containsExactly("STRING");
        assertThat(string.get("publisher").asText()).isNotEmpty();
        assertThat(string.get("fileName").asText()).isEqualTo("edge-gateway-plugin-string.zip");
        assertThat(string.toString()).as("no server folder leaks").doesNotContain(home.toString());
        assertThat(h.get("/api/plugins/string").json().get("version").asText()).isNotEmpty();

        try (ZContext context = new ZContext(1)) {
            CurveKeyPair keys = CurveKeyPair.generate();
            assertThat(h.post("/api/clients", Map.of("name", "sensor-1", "publicKey", keys.publicZ85())).status())
                    .isEqualTo(201);
            ZMQ.Socket sensor = gw.connected(context, keys);
            assertThat(TestGateway.exchange(sensor, "STRING", "hi")).containsExactly("ACK", "STRING received (2 bytes)");

            Https.Reply stopped = h.post("/api/plugins/string/stop", null);
            assertThat(stopped.status()).isEqualTo(200);
            assertThat(stopped.json().get("state").asText()).isEqualTo("STOPPED");
            assertThat(TestGateway.exchange(sensor, "STRING", "hi").get(1)).startsWith("UNKNOWN_TYPE");

            Https.Reply started = h.post("/api/plugins/string/start", null);
            assertThat(started.json().get("state").asText()).isEqualTo("STARTED");
            assertThat(TestGateway.exchange(sensor, "STRING", "hi")).containsExactly("ACK", "STRING received (2 bytes)");
        }
        Https.Reply reloaded = h.post("/api/plugins/string/reload", null);
        assertThat(reloaded.status()).isEqualTo(200);
        assertThat(reloaded.json().get("state").asText()).isEqualTo("STARTED");

        Https.Reply unloaded = h.post("/api/plugins/binary/unload", null);
        assertThat(unloaded.status()).isEqualTo(200);
        assertThat(unloaded.json().get("unloaded").asText()).isEqualTo("binary");
        assertThat(h.get("/api/plugins").json()).extracting(p -> p.get("id").asText()).containsExactly("string");
        assertThat(h.get("/api/plugins/binary").status()).isEqualTo(404);

        List<String> actions = new ArrayList<>();
        h.get("/api/audit?limit=100").json().forEach(e -> {
            if (e.get("action").asText().startsWith("plugin.")) {
                assertThat(e.get("actor").asText()).isEqualTo("admin");
                assertThat(e.get("source").asText()).isEqualTo("127.0.0.1");
                actions.add(e.get("action").asText() + " " + e.get("subject").asText());
            }
        });
        assertThat(actions).contains("plugin.stop string", "plugin.start string", "plugin.reload string",
                "plugin.unload binary");
    }

    @Test
    void pluginControlRefusesTheAnonymousTheForgedAndTheUnknown() throws Exception {
        pluginGateway();
        Https h = Https.admin(gw, PASSWORD);
        Https anonymous = new Https(gw);
        assertThat(anonymous.get("/api/plugins").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/plugins/string").status()).isEqualTo(401);
        Https.Reply anonymousStop = anonymous.post("/api/plugins/string/stop", null);
        assertThat(anonymousStop.status()).isEqualTo(401);
        assertThat(anonymousStop.json().get("error").asText()).isEqualTo("UNAUTHENTICATED");

        Https.Reply noCsrf = h.send("POST", "/api/plugins/string/stop", null, Map.of("X-CSRF-Token", ""));
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(noCsrf.json().get("error").asText()).isEqualTo("CSRF");
        assertThat(h.get("/api/plugins/string").json().get("state").asText()).as("still running").isEqualTo("STARTED");

        Https.Reply ghost = h.post("/api/plugins/ghost/start", null);
        assertThat(ghost.status()).isEqualTo(404);
        assertThat(ghost.json().get("message").asText()).contains("ghost");
        assertThat(h.get("/api/plugins/ghost").status()).isEqualTo(404);
        assertThat(h.post("/api/plugins/string/explode", null).status()).isEqualTo(404);
        Https.Reply badId = h.post("/api/plugins/bad$id/stop", null);
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().get("error").asText()).isEqualTo("INVALID");
        assertThat(h.get("/api/plugins/string/stop").status()).as("GET on an action").isEqualTo(405);
        assertThat(h.get("/api/audit?limit=100").body()).doesNotContain("plugin.stop");
    }

    @Test
    void aSignedUploadLoadsAndServesWhileUnsignedAndTamperedOnesAreRefusedWithTheReason() throws Exception {
        pluginGateway();
        Https h = Https.admin(gw, PASSWORD);
        Path note = TestPlugins.zip(work, "note", "1.0.0", NoteHandler.class);
        Path sig = PluginSignatures.sign(note, gw.publisherKey);
        byte[] zip = Files.readAllBytes(note);

        Https.Reply installed = h.multipart("/api/plugins", List.of(
                Https.Part.file("plugin", "note.zip", zip),
                Https.Part.file("signature", "note.zip.sig", Files.readAllBytes(sig))), Map.of());
        assertThat(installed.status()).as(installed.body()).isEqualTo(201);
        assertThat(installed.json().get("id").asText()).isEqualTo("note");
        assertThat(installed.json().get("state").asText()).isEqualTo("STARTED");
        assertThat(installed.json().get("builtin").asBoolean()).isFalse();
        assertThat(installed.json().get("types")).extracting(JsonNode::asText).containsExactly("NOTE");
        assertThat(installed.json().get("publisher").asText())
                .isEqualTo(h.get("/api/plugins/string").json().get("publisher").asText());
        assertThat(gw.home.resolve("plugins").resolve("note.zip")).exists();

        try (ZContext context = new ZContext(1)) {
            CurveKeyPair keys = CurveKeyPair.generate();
            h.post("/api/clients", Map.of("name", "writer", "publicKey", keys.publicZ85()));
            ZMQ.Socket writer = gw.connected(context, keys);
            assertThat(TestGateway.exchange(writer, "NOTE", "hello")).containsExactly("ACK", "noted by v1.0.0 (5 bytes)");
        }

        Path other = TestPlugins.zip(work.resolve("other"), "other", "1.0.0", NoteHandler.class);
        Https.Reply unsigned = h.multipart("/api/plugins",
                List.of(Https.Part.file("plugin", "other.zip", Files.readAllBytes(other))), Map.of());
        assertThat(unsigned.status()).isEqualTo(201);
        assertThat(unsigned.json().get("state").asText()).isEqualTo("REFUSED");
        assertThat(unsigned.json().get("reason").asText()).startsWith("unsigned");
        assertThat(unsigned.json().get("types")).isEmpty();

        byte[] tampered = zip.clone();
        tampered[tampered.length / 2] ^= 1;
        Https.Reply bad = h.multipart("/api/plugins", List.of(
                Https.Part.file("plugin", "upload.bin", tampered),
                Https.Part.file("signature", "note.zip.sig", Files.readAllBytes(sig)),
                Https.Part.field("fileName", "tampered.zip")), Map.of());
        assertThat(bad.status()).isEqualTo(201);
        assertThat(bad.json().get("fileName").asText()).isEqualTo("tampered.zip");
        assertThat(bad.json().get("state").asText()).isEqualTo("REFUSED");
        assertThat(bad.json().get("reason").asText()).contains("does not match");

        JsonNode list = h.get("/api/plugins").json();
        assertThat(list).extracting(p -> p.get("id").asText() + " " + p.get("state").asText())
                .contains("note STARTED", "binary STARTED", "string STARTED");
        assertThat(h.get("/api/audit?limit=100").body()).contains("plugin.install");
    }

    @Test
    void uploadsAreRefusedWhenAnonymousForgedMalformedOrTooLarge() throws Exception {
        pluginGateway();
        Https h = Https.admin(gw, PASSWORD);
        Path note = TestPlugins.zip(work, "note", "1.0.0", NoteHandler.class);
        byte[] zip = Files.readAllBytes(note);
        byte[] sig = Files.readAllBytes(PluginSignatures.sign(note, gw.publisherKey));
        List<Https.Part> good = List.of(Https.Part.file("plugin", "note.zip", zip),
                Https.Part.file("signature", "note.zip.sig", sig));

        Https.Reply anonymous = new Https(gw).multipart("/api/plugins", good, Map.of());
        assertThat(anonymous.status()).isEqualTo(401);
        Https.Reply forged = h.multipart("/api/plugins", good, Map.of("X-CSRF-Token", "guess"));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.json().get("error").asText()).isEqualTo("CSRF");
        Https.Reply crossSite = h.multipart("/api/plugins", good, Map.of("Origin", "https://evil.example"));
        assertThat(crossSite.status()).isEqualTo(403);

        Https.Reply json = h.post("/api/plugins", Map.of("plugin", "x"));
        assertThat(json.status()).isEqualTo(415);
        Https.Reply noPlugin = h.multipart("/api/plugins", List.of(Https.Part.file("signature", "x.sig", sig)), Map.of());
        assertThat(noPlugin.status()).isEqualTo(400);
        assertThat(noPlugin.json().get("message").asText()).contains("plugin");
        Https.Reply badName = h.multipart("/api/plugins", List.of(Https.Part.file("plugin", "note.exe", zip)), Map.of());
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().get("message").asText()).contains("note.exe");
        Https.Reply escape = h.multipart("/api/plugins", List.of(Https.Part.file("plugin", "note.zip", zip),
                Https.Part.field("fileName", "../../conf/note.zip")), Map.of());
        assertThat(escape.status()).isEqualTo(400);
        Https.Reply unknownPart = h.multipart("/api/plugins", List.of(Https.Part.file("plugin", "note.zip", zip),
                Https.Part.field("colour", "red")), Map.of());
        assertThat(unknownPart.status()).isEqualTo(400);
        assertThat(unknownPart.json().get("message").asText()).contains("colour");
        Https.Reply garbage = h.sendBytes("POST", "/api/plugins", "no parts here".getBytes(),
                Map.of("Content-Type", "multipart/form-data; boundary=XYZ"));
        assertThat(garbage.status()).isEqualTo(400);

        byte[] huge = new byte[(int) UPLOAD_LIMIT + 1024];
        Https.Reply tooLarge;
        try {
            tooLarge = h.multipart("/api/plugins", List.of(Https.Part.file("plugin", "huge.zip", huge)), Map.of());
        } catch (AssertionError e) {
            // The server answers 413 from the declared length and closes the connection without reading
            // the body; a client still sending may see the close before the answer. Either is a refusal.
            assertThat(e).hasRootCauseInstanceOf(java.io.IOException.class);
            tooLarge = new Https.Reply(413, "{\"error\":\"TOO_LARGE\"}", null);
        }
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("error").asText()).isEqualTo("TOO_LARGE");
        Https.Reply hugeSignature = h.multipart("/api/plugins", List.of(Https.Part.file("plugin", "note.zip", zip),
                Https.Part.file("signature", "note.zip.sig", new byte[20_000])), Map.of());
        assertThat(hugeSignature.status()).isEqualTo(413);

        for (Https.Reply r : List.of(anonymous, forged, crossSite, json, noPlugin, badName, escape, unknownPart, garbage,
                tooLarge, hugeSignature)) {
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        try (Stream<Path> installed = Files.list(gw.home.resolve("plugins"))) {
            assertThat(installed).as("no refused upload reached the plugins folder").isEmpty();
        }
        assertThat(h.get("/api/plugins").json()).hasSize(2);
        // The session still works after the refused uploads.
        assertThat(h.multipart("/api/plugins", good, Map.of()).status()).isEqualTo(201);
    }

    @Test
    void aClientsRecentMessagesComeNewestFirstFromThePluginsBuffers() throws Exception {
        pluginGateway();
        Https h = Https.admin(gw, PASSWORD);
        CurveKeyPair keys = CurveKeyPair.generate();
        h.post("/api/clients", Map.of("name", "sensor-1", "publicKey", keys.publicZ85()));
        h.post("/api/clients", Map.of("name", "quiet", "publicKey", CurveKeyPair.generate().publicZ85()));
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket sensor = gw.connected(context, keys);
            assertThat(TestGateway.exchange(sensor, "STRING", "first")).first().isEqualTo("ACK");
            assertThat(TestGateway.exchange(sensor, "BINARY", "<b>second</b>")).first().isEqualTo("ACK");
            assertThat(TestGateway.exchange(sensor, "STRING", "third")).first().isEqualTo("ACK");
        }
        Https.Reply r = h.get("/api/clients/sensor-1/messages");
        assertThat(r.status()).isEqualTo(200);
        JsonNode messages = r.json();
        assertThat(messages).extracting(m -> m.get("preview").asText())
                .containsExactly("third", "<b>second</b>", "first");
        assertThat(messages.get(0).get("type").asText()).isEqualTo("STRING");
        assertThat(messages.get(0).get("outcome").asText()).isEqualTo("ACK");
        assertThat(messages.get(0).get("size").asInt()).isEqualTo(5);
        assertThat(messages.get(0).get("clientName").asText()).isEqualTo("sensor-1");
        assertThat(messages.get(0).get("receivedAt").asText()).isNotEmpty();

        assertThat(h.get("/api/clients/sensor-1/messages?limit=1").json()).hasSize(1);
        assertThat(h.get("/api/clients/quiet/messages").json()).isEmpty();
        assertThat(h.get("/api/clients/ghost/messages").status()).isEqualTo(404);
        assertThat(h.get("/api/clients/sensor-1/messages?limit=0").status()).isEqualTo(400);
        Https.Reply notANumber = h.get("/api/clients/sensor-1/messages?limit=lots");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.json().get("message").asText()).contains("lots");
        assertThat(h.get("/api/clients/sensor-1/messages?limit=100000").status()).isEqualTo(400);
        assertThat(h.send("DELETE", "/api/clients/sensor-1/messages", null, Map.of()).status()).isEqualTo(405);
        assertThat(new Https(gw).get("/api/clients/sensor-1/messages").status()).isEqualTo(401);
    }

    @Test
    void aBannedAddressIsListedAndLiftedOnlyWithSessionAndCsrfToken() throws Exception {
        gw = TestGateway.withAdmission(home, AdmissionConfig.of(Map.of("admission.ban.auth-failures", "3")));
        Https h = Https.admin(gw, PASSWORD);
        CurveKeyPair good = CurveKeyPair.generate();
        h.post("/api/clients", Map.of("name", "good", "publicKey", good.publicZ85()));
        assertThat(h.get("/api/bans").json()).isEmpty();

        try (ZContext context = new ZContext(1)) {
            List<ZMQ.Socket> strangers = new ArrayList<>();
            boolean banned = await(() -> {
                strangers.add(gw.dealer(context, CurveKeyPair.generate()));
                return h.get("/api/bans").json().size() > 0;
            });
            assertThat(banned).as("strangers' failed handshakes ban the address").isTrue();
            strangers.forEach(ZMQ.Socket::close);
        }
        JsonNode bans = h.get("/api/bans").json();
        assertThat(bans).hasSize(1);
        JsonNode ban = bans.get(0);
        assertThat(ban.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(ban.get("reason").asText()).contains("failed authentications");
        assertThat(ban.get("since").asText()).isNotEmpty();
        assertThat(java.time.Instant.parse(ban.get("until").asText()))
                .isAfter(java.time.Instant.parse(ban.get("since").asText()));
        assertThat(ban.has("refusals")).isTrue();

        Https anonymous = new Https(gw);
        assertThat(anonymous.get("/api/bans").status()).isEqualTo(401);
        assertThat(anonymous.send("DELETE", "/api/bans/127.0.0.1", null, Map.of()).status()).isEqualTo(401);
        Https.Reply noCsrf = h.send("DELETE", "/api/bans/127.0.0.1", null, Map.of("X-CSRF-Token", ""));
        assertThat(noCsrf.status()).isEqualTo(403);
        assertThat(h.get("/api/bans").json()).hasSize(1);

        Https.Reply unknown = h.send("DELETE", "/api/bans/10.1.2.3", null, Map.of());
        assertThat(unknown.status()).isEqualTo(404);
        Https.Reply ipv6 = h.send("DELETE", "/api/bans/%3A%3A1", null, Map.of());
        assertThat(ipv6.status()).isEqualTo(404);
        assertThat(ipv6.json().get("message").asText()).as("decoded from the path").contains("'::1'");
        Https.Reply malformed = h.send("DELETE", "/api/bans/not!an*address", null, Map.of());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("error").asText()).isEqualTo("INVALID");
        assertThat(h.post("/api/bans/127.0.0.1", null).status()).isEqualTo(405);

        Https.Reply lifted = h.send("DELETE", "/api/bans/127.0.0.1", null, Map.of());
        assertThat(lifted.status()).isEqualTo(200);
        assertThat(lifted.json().get("unbanned").asText()).isEqualTo("127.0.0.1");
        assertThat(h.get("/api/bans").json()).isEmpty();
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket s = gw.dealer(context, good);
            assertThat(TestGateway.awaitPong(s)).as("the enrolled client gets through again").isTrue();
        }
        assertThat(gw.store.audit().page(Long.MAX_VALUE, 50)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("address.unban");
            assertThat(e.subject()).isEqualTo("127.0.0.1");
            assertThat(e.actor()).isEqualTo("admin");
            assertThat(e.source()).isEqualTo("127.0.0.1");
        });
    }

    /** Polls {@code condition} every 200 ms for up to 30 s. */
    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(200);
        }
        return condition.getAsBoolean();
    }
}
