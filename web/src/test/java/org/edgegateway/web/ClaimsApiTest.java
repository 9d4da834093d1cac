package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** {@code /api/claims} and the approval of pending clients, against a real gateway with an enrolment port. */
@Timeout(120)
class ClaimsApiTest {
    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void anAdminMakesAClaimApprovesWhatEnrolledOnItAndRevokesIt(@TempDir Path home) throws Exception {
        try (TestGateway gw = TestGateway.withEnrolment(home); ZContext ctx = new ZContext(1)) {
            Https h = Https.admin(gw, PASSWORD);
            Https.Reply made = h.post("/api/claims",
                    Map.of("prefix", "site1-", "uses", 2, "expiresInSeconds", 3600, "approve", "manual"));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            String secret = made.json().path("secret").asText();
            long id = made.json().path("claim").path("id").asLong();
            assertThat(secret).startsWith("egc_");
            assertThat(made.json().path("claimFile").asText()).contains("secret = \"" + secret + "\"")
                    .contains("public-key = \"" + gw.serverKeys.publicZ85() + "\"");
            assertThat(made.json().path("claim").path("approval").asText()).isEqualTo("manual");

            Https.Reply list = h.get("/api/claims");
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body()).contains("site1-").doesNotContain(secret);

            CurveKeyPair sensor = CurveKeyPair.generate();
            ZMQ.Socket s = gw.enrolling(ctx, sensor);
            s.sendMore("ENROL");
            s.sendMore(secret);
            s.send("site1-a");
            assertThat(TestGateway.receive(s)).containsExactly("PENDING", "site1-a");

            Https.Reply pending = h.get("/api/claims/pending");
            assertThat(pending.status()).isEqualTo(200);
            assertThat(pending.json().get(0).path("name").asText()).isEqualTo("site1-a");
            assertThat(pending.json().get(0).path("publicKey").asText()).isEqualTo(sensor.publicZ85());
            assertThat(pending.json().get(0).path("claimId").asLong()).isEqualTo(id);
            assertThat(pending.json().get(0).path("address").asText()).isEqualTo("127.0.0.1");

            Https.Reply approved = h.post("/api/clients/site1-a/approve", Map.of());
            assertThat(approved.status()).as(approved.body()).isEqualTo(200);
            assertThat(approved.json().path("status").asText()).isEqualToIgnoringCase("active");
            assertThat(h.post("/api/clients/site1-a/reject", Map.of()).status()).isEqualTo(400);
            assertThat(h.get("/api/claims/pending").json()).isEmpty();

            Https.Reply revoked = h.send("DELETE", "/api/claims/" + id, null, Map.of());
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            assertThat(revoked.json().path("state").asText()).isEqualTo("revoked");
            assertThat(h.send("DELETE", "/api/claims/" + id, null, Map.of()).status()).isEqualTo(400);
            assertThat(h.send("DELETE", "/api/claims/nope", null, Map.of()).status()).isEqualTo(404);
            assertThat(h.post("/api/claims", Map.of("prefix", "x-", "uses", 1, "expiresInSeconds", 60,
                    "approve", "maybe")).status()).isEqualTo(400);

            s.sendMore("ENROL");
            s.sendMore(secret);
            s.send("site1-b");
            List<String> refused = TestGateway.receive(s);
            assertThat(refused.get(0)).isEqualTo("ERROR");
            assertThat(refused.get(1)).startsWith("CLAIM_REVOKED: ");
            s.close();
        }
    }

    @Test
    void aGatewayWithoutEnrolmentRefusesToMakeClaims(@TempDir Path home) throws Exception {
        try (TestGateway gw = new TestGateway(home)) {
            Https h = Https.admin(gw, PASSWORD);
            Https.Reply r = h.post("/api/claims", Map.of("prefix", "x-", "uses", 1, "expiresInSeconds", 60));
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.body()).contains("enrol.enabled");
        }
    }
}
