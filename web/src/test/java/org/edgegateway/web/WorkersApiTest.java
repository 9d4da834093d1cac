package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worker keys through the REST API, against a real gateway and its key store. */
class WorkersApiTest {
    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void workerKeysAreEnrolledListedAndRevokedAuditedAndKeptApartFromClientKeys(@TempDir Path home) throws Exception {
        try (TestGateway gw = new TestGateway(home)) {
            Https h = Https.admin(gw, PASSWORD);
            String workerKey = CurveKeyPair.generate().publicZ85();
            Https.Reply enrolled = h.post("/api/workers", Map.of("name", "resizer-1", "publicKey", workerKey));
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
            assertThat(enrolled.json().path("status").asText()).isEqualTo("active");

            Https.Reply list = h.get("/api/workers");
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().path("workers").get(0).path("name").asText()).isEqualTo("resizer-1");
            assertThat(list.json().path("workers").get(0).path("connections").size()).isZero();

            Https.Reply asClient = h.post("/api/clients", Map.of("name", "sensor-1", "publicKey", workerKey));
            assertThat(asClient.status()).isEqualTo(409);
            assertThat(asClient.json().path("message").asText()).contains("already enrolled as worker 'resizer-1'");
            assertThat(h.post("/api/workers", Map.of("name", "../x", "publicKey", CurveKeyPair.generate().publicZ85()))
                    .status()).isEqualTo(400);
            assertThat(h.post("/api/workers", Map.of("name", "w", "publicKey", "short")).status()).isEqualTo(400);

            Https.Reply revoked = h.post("/api/workers/resizer-1/revoke", Map.of());
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            assertThat(revoked.json().path("status").asText()).isEqualTo("revoked");
            assertThat(h.post("/api/workers/resizer-1/revoke", Map.of()).status()).isEqualTo(400);
            assertThat(h.post("/api/workers/nobody/revoke", Map.of()).status()).isEqualTo(404);
            assertThat(gw.store.audit().page(Long.MAX_VALUE, 20)).extracting(a -> a.action())
                    .contains("worker.enrol", "worker.revoke");
        }
    }
}
