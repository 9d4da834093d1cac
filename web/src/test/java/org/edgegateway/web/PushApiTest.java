package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Pushes to a client by name and publishing through the REST API, against a real gateway. */
class PushApiTest {
    private static final String PASSWORD = "correct horse battery staple";

    @Test
    void pushReachesAConnectedClientAndFailsClearlyOtherwise(@TempDir Path home) throws Exception {
        try (TestGateway gw = new TestGateway(home); ZContext ctx = new ZContext(1)) {
            Https h = Https.admin(gw, PASSWORD);
            CurveKeyPair keys = CurveKeyPair.generate();
            assertThat(h.post("/api/clients", Map.of("name", "listener", "publicKey", keys.publicZ85())).status())
                    .isEqualTo(201);

            Https.Reply offline = h.post("/api/clients/listener/push", Map.of("type", "CONFIG", "payload", "{}"));
            assertThat(offline.status()).isEqualTo(409);
            assertThat(offline.json().path("message").asText()).startsWith("NOT_CONNECTED");

            assertThat(h.post("/api/clients/nobody/push", Map.of("type", "CONFIG", "payload", "{}")).status())
                    .isEqualTo(404);
            assertThat(h.post("/api/clients/listener/push", Map.of("type", "CONFIG")).status()).isEqualTo(400);

            ZMQ.Socket s = gw.connected(ctx, keys);
            Https.Reply pushed = h.post("/api/clients/listener/push", Map.of("type", "CONFIG", "payload", "{\"every\":5}"));
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
            List<String> frames = TestGateway.receive(s);
            while (frames != null && frames.get(0).equals("PONG")) {
                // answers to the extra PINGs sent while the connection was being set up
                frames = TestGateway.receive(s);
            }
            assertThat(frames).containsExactly("EGW/1", "", "CONFIG", "{\"every\":5}");
            assertThat(gw.store.audit().page(Long.MAX_VALUE, 20)).anyMatch(a -> a.action().equals("client.push")
                    && a.subject().equals("listener") && a.actor().equals("admin"));
            s.close();

            // This gateway runs without a topic publisher: publishing is refused clearly.
            Https.Reply publish = h.post("/api/topics/publish", Map.of("topic", "alerts", "payload", "x"));
            assertThat(publish.status()).isEqualTo(503);
            assertThat(h.get("/api/subscriptions").status()).isEqualTo(200);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
