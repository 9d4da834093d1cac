package org.edgegateway.core.enrol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.NewClaim;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.config.Settings;
import org.edgegateway.core.pubsub.PubSubConfig;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.AuditActions;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The enrolment port over real sockets: CURVE on loopback, the gateway's ZAP handler and an H2 key
 * store. Sensors here are JeroMQ DEALERs with keys made for the test (the SDK's own enrolment is
 * tested in the client module, pyzmq's in {@code EnrolPyzmqTest}).
 */
@Timeout(120)
class EnrolmentTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static EnrolConfig enrol(int perMinute, int burst) {
        return new EnrolConfig("tcp://127.0.0.1:*", "", perMinute, burst, 1000);
    }

    private GatewayFixture start(EnrolConfig enrol, Map<String, String> admission, boolean pubsub) {
        return GatewayFixture.start(dir.resolve("gw"), c -> c, AdmissionConfig.of(admission),
                pubsub ? PubSubConfig.defaults("tcp://127.0.0.1:*") : null, enrol);
    }

    private GatewayFixture start() {
        return start(enrol(600, 100), Map.of(), false);
    }

    private static NewClaim claim(GatewayFixture gw, String prefix, int uses, boolean manual) {
        return gw.gateway().admin().createClaim(prefix, uses, Duration.ofHours(24), manual, GatewayFixture.TEST_ADMIN);
    }

    /** Enrols {@code keys} as {@code name} with {@code secret}; the gateway's answer. */
    private static List<String> enrolAs(GatewayFixture gw, CurveKeyPair keys, String secret, String name) {
        ZMQ.Socket s = gw.enrolDealer(keys);
        GatewayFixture.send(s, "ENROL", secret, name);
        List<String> reply = GatewayFixture.receiveText(s);
        s.close();
        return reply;
    }

    private static List<String> send(GatewayFixture gw, CurveKeyPair keys, String type, String payload, int timeoutMs) {
        ZMQ.Socket s = gw.dealer(keys);
        s.setReceiveTimeOut(timeoutMs);
        GatewayFixture.send(s, type, payload);
        List<String> reply = GatewayFixture.receiveText(s);
        s.close();
        return reply;
    }

    @Test
    void aSensorEnrolsItsOwnKeyOnAnAutomaticClaimAndIsAnsweredOnTheSensorsPort() {
        try (GatewayFixture gw = start()) {
            NewClaim c = claim(gw, "site1-", 3, false);
            assertThat(c.enrolEndpoint()).isEqualTo(gw.gateway().enrolEndpoint()).startsWith("tcp://");
            assertThat(c.serverPublicKey()).isEqualTo(gw.serverKeys().publicZ85());
            CurveKeyPair sensor = CurveKeyPair.generate();

            assertThat(enrolAs(gw, sensor, c.secret(), "site1-a")).containsExactly("ENROLLED", "site1-a");

            assertThat(gw.gateway().admin().client("site1-a").orElseThrow().publicKey()).isEqualTo(sensor.publicZ85());
            assertThat(send(gw, sensor, "STRING", "hello", 10_000)).containsExactly("ACK", "STRING received (5 bytes)");
            assertThat(gw.gateway().admin().claims().get(0).usesLeft()).isEqualTo(2);
            assertThat(GatewayFixture.await(WAIT, () -> gw.store().audit().page(Long.MAX_VALUE, 20).stream().anyMatch(e ->
                    e.action().equals(AuditActions.CLAIM_ENROL) && e.subject().equals("site1-a")
                            && e.detail().contains("claim " + c.claim().id()) && "127.0.0.1".equals(e.source()))))
                    .as("the enrolment is audited with claim, name and address").isTrue();
        }
    }

    @Test
    void aManualClaimKeepsTheSensorOutOfEveryPortUntilApprovedAndRejectRevokes() {
        try (GatewayFixture gw = start(enrol(600, 100), Map.of(), true)) {
            NewClaim c = claim(gw, "lab-", 3, true);
            CurveKeyPair first = CurveKeyPair.generate();
            CurveKeyPair second = CurveKeyPair.generate();
            assertThat(enrolAs(gw, first, c.secret(), "lab-1")).containsExactly("PENDING", "lab-1");
            assertThat(enrolAs(gw, second, c.secret(), "lab-2")).containsExactly("PENDING", "lab-2");
            assertThat(gw.gateway().admin().pendingClients()).extracting(p -> p.name()).containsExactly("lab-1", "lab-2");
            assertThat(gw.gateway().admin().pendingClients().get(0).address()).isEqualTo("127.0.0.1");
            assertThat(gw.gateway().admin().client("lab-1").orElseThrow().status()).isEqualTo(ClientStatus.PENDING);

            // Refused on the sensors' port: no answer, and the ZAP handler says why.
            assertThat(send(gw, first, "STRING", "early", 3000)).isNull();
            assertThat(GatewayFixture.await(WAIT, () -> gw.gateway().metrics().zapDenialsByReason()
                    .getOrDefault("pending", 0L) > 0)).isTrue();
            // ... and on the topic publisher's.
            long before = gw.gateway().metrics().zapDenialsByReason().getOrDefault("pending", 0L);
            ZMQ.Socket sub = gw.clientSocket(SocketType.SUB, first);
            sub.subscribe("".getBytes(StandardCharsets.UTF_8));
            sub.connect(gw.gateway().pubsub().boundEndpoint());
            assertThat(GatewayFixture.await(WAIT, () -> gw.gateway().metrics().zapDenialsByReason()
                    .getOrDefault("pending", 0L) > before)).isTrue();
            sub.close();

            gw.gateway().admin().approve("lab-1", GatewayFixture.TEST_ADMIN);
            assertThat(send(gw, first, "STRING", "now", 10_000)).containsExactly("ACK", "STRING received (3 bytes)");

            assertThat(gw.gateway().admin().reject("lab-2", GatewayFixture.TEST_ADMIN).status())
                    .isEqualTo(ClientStatus.REVOKED);
            assertThat(gw.gateway().admin().pendingClients()).isEmpty();
            assertThat(send(gw, second, "STRING", "x", 3000)).isNull();
            try {
                gw.gateway().admin().approve("lab-2", GatewayFixture.TEST_ADMIN);
                throw new AssertionError("a rejected client was approved");
            } catch (AdminException e) {
                assertThat(e.getMessage()).contains("not pending");
            }
        }
    }

    @Test
    void aWrongSecretIsAnErrorAndCountsTowardTheAddressBan() {
        try (GatewayFixture gw = start(enrol(600, 100), Map.of("admission.ban.auth-failures", "3"), false)) {
            claim(gw, "s-", 5, false);
            for (int i = 0; i < 3; i++) {
                List<String> reply = enrolAs(gw, CurveKeyPair.generate(), "egc_guessed" + i, "s-" + i);
                assertThat(reply).hasSize(2);
                assertThat(reply.get(0)).isEqualTo("ERROR");
                assertThat(reply.get(1)).startsWith("BAD_CLAIM: ");
            }
            assertThat(GatewayFixture.await(WAIT, () -> gw.gateway().admin().bans().stream()
                    .anyMatch(b -> b.address().equals("127.0.0.1")))).as("the address is banned").isTrue();
            assertThat(gw.store().clients().list()).isEmpty();
            assertThat(GatewayFixture.await(WAIT, () -> gw.store().audit().page(Long.MAX_VALUE, 50).stream().anyMatch(e ->
                    e.action().equals(AuditActions.CLAIM_REFUSED) && e.detail().contains("BAD_CLAIM")
                            && "127.0.0.1".equals(e.source())))).isTrue();
        }
    }

    @Test
    void revokedAndExpiredClaimsEnrolNobody() {
        try (GatewayFixture gw = start()) {
            NewClaim revoked = claim(gw, "r-", 5, false);
            gw.gateway().admin().revokeClaim(revoked.claim().id(), GatewayFixture.TEST_ADMIN);
            List<String> reply = enrolAs(gw, CurveKeyPair.generate(), revoked.secret(), "r-1");
            assertThat(reply.get(0)).isEqualTo("ERROR");
            assertThat(reply.get(1)).startsWith("CLAIM_REVOKED: ");

            NewClaim brief = gw.gateway().admin().createClaim("e-", 5, Duration.ofSeconds(1), false,
                    GatewayFixture.TEST_ADMIN);
            // A name outside the prefix is refused while the claim lives, then the claim itself is.
            String[] last = new String[1];
            assertThat(GatewayFixture.await(WAIT, () -> {
                last[0] = enrolAs(gw, CurveKeyPair.generate(), brief.secret(), "other").get(1);
                return last[0].startsWith("CLAIM_EXPIRED: ");
            })).as(() -> last[0]).isTrue();
            assertThat(enrolAs(gw, CurveKeyPair.generate(), brief.secret(), "e-1").get(1)).startsWith("CLAIM_EXPIRED: ");
            assertThat(gw.store().clients().list()).isEmpty();
        }
    }

    @Test
    void theNameMustStartWithThePrefixAndBeFree() {
        try (GatewayFixture gw = start()) {
            NewClaim c = claim(gw, "p-", 5, false);
            gw.enrol("p-taken");
            assertThat(enrolAs(gw, CurveKeyPair.generate(), c.secret(), "q-1").get(1)).startsWith("BAD_NAME: ");
            assertThat(enrolAs(gw, CurveKeyPair.generate(), c.secret(), "p-taken").get(1)).startsWith("NAME_TAKEN: ");
            CurveKeyPair enrolled = gw.enrol("p-other");
            assertThat(enrolAs(gw, enrolled, c.secret(), "p-new").get(1)).startsWith("KEY_TAKEN: ");
            assertThat(gw.gateway().admin().claims().get(0).usesLeft()).isEqualTo(5);
        }
    }

    @Test
    void twoSensorsRacingForTheLastUseOneWins() {
        try (GatewayFixture gw = start()) {
            NewClaim c = claim(gw, "race-", 1, false);
            ZMQ.Socket a = gw.enrolDealer(CurveKeyPair.generate());
            ZMQ.Socket b = gw.enrolDealer(CurveKeyPair.generate());
            GatewayFixture.send(a, "ENROL", c.secret(), "race-a");
            GatewayFixture.send(b, "ENROL", c.secret(), "race-b");
            List<String> ra = GatewayFixture.receiveText(a);
            List<String> rb = GatewayFixture.receiveText(b);
            assertThat(List.of(ra.get(0), rb.get(0))).containsExactlyInAnyOrder("ENROLLED", "ERROR");
            assertThat(ra.get(0).equals("ERROR") ? ra.get(1) : rb.get(1)).startsWith("CLAIM_USED_UP: ");
            assertThat(gw.store().clients().list()).hasSize(1);
        }
    }

    @Test
    void theEnrolmentPortCarriesNoDataAndLimitsEachAddress() {
        try (GatewayFixture gw = start(enrol(1, 3), Map.of(), false)) {
            CurveKeyPair anyone = CurveKeyPair.generate();
            ZMQ.Socket s = gw.enrolDealer(anyone);
            GatewayFixture.send(s, "STRING", "data");
            assertThat(GatewayFixture.receiveText(s)).satisfies(r -> {
                assertThat(r.get(0)).isEqualTo("ERROR");
                assertThat(r.get(1)).startsWith("BAD_REQUEST: ");
            });
            GatewayFixture.send(s, "EGW/1", "id", "JSON", "{}");
            assertThat(GatewayFixture.receiveText(s).get(1)).startsWith("BAD_REQUEST: ");
            assertThat(gw.gateway().metrics().messagesIn()).isZero();
            // The bucket held 3; refilling at one a minute, the fourth request finds it empty.
            GatewayFixture.send(s, "ENROL", "egc_x", "n");
            assertThat(GatewayFixture.receiveText(s).get(1)).startsWith("BAD_CLAIM: ");
            GatewayFixture.send(s, "ENROL", "egc_x", "n");
            assertThat(GatewayFixture.receiveText(s).get(1)).startsWith("RATE_LIMITED: ");
        }
    }

    @Test
    void noClaimCanBeMadeWhenTheGatewayServesNoEnrolment() {
        try (GatewayFixture gw = GatewayFixture.start(dir.resolve("gw"))) {
            try {
                claim(gw, "x-", 1, false);
                throw new AssertionError("a claim was made without an enrolment port");
            } catch (AdminException e) {
                assertThat(e.kind()).isEqualTo(AdminException.Kind.CONFLICT);
                assertThat(e.getMessage()).contains("enrol.enabled");
            }
        }
    }

    @Test
    void theGatewayHomeNeverHoldsTheSensorsSecretKey() throws Exception {
        CurveKeyPair sensor = CurveKeyPair.generate();
        try (GatewayFixture gw = start()) {
            NewClaim c = claim(gw, "h-", 1, false);
            assertThat(enrolAs(gw, sensor, c.secret(), "h-1")).containsExactly("ENROLLED", "h-1");
            assertThat(send(gw, sensor, "STRING", "x", 10_000).get(0)).isEqualTo("ACK");
        }
        byte[] raw = sensor.secretKey();
        String z85 = sensor.secretZ85();
        try (Stream<Path> files = Files.walk(dir.resolve("gw"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(f);
                assertThat(new String(content, StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(z85)
                        .doesNotContain(new String(raw, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void enrolSettingsAreDocumentedAndChecked() {
        assertThat(EnrolSettings.ALL).allSatisfy(s -> assertThat(s.description()).isNotBlank());
        EnrolConfig d = EnrolConfig.from(Settings.of(EnrolSettings.ALL, Map.of()));
        assertThat(d.endpoint()).isEqualTo("tcp://*:5558");
        try {
            EnrolConfig.defaults("udp://x");
            throw new AssertionError("a bad endpoint was accepted");
        } catch (RuntimeException e) {
            assertThat(e.getMessage()).contains("enrol.endpoint");
        }
    }
}
