package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/**
 * A client's counters as admins read them never go backwards: its message total survives its
 * disconnects (the live connection's count shown apart), and last seen does not fall back to the
 * stored value when a connection ends, before that value is flushed (the default flush is 30 s).
 */
@Timeout(120)
class ClientCountersTest {

    private static void exchange(ZMQ.Socket s, int n) {
        for (int i = 0; i < n; i++) {
            send(s, "STRING", "reading " + i);
            assertThat(receiveText(s).get(0)).isEqualTo("ACK");
        }
    }

    private static ClientView view(AdminService admin) {
        return admin.clients().stream().filter(v -> v.name().equals("counted")).findFirst().orElseThrow();
    }

    @Test
    void totalsSurviveDisconnectsAndLastSeenNeverMovesBack(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            AdminService admin = gw.gateway().admin();
            CurveKeyPair keys = gw.enrol("counted");

            ZMQ.Socket first = gw.dealer(keys);
            exchange(first, 3);
            assertThat(await(Duration.ofSeconds(10), () -> view(admin).connectionMessages() == 3)).isTrue();
            ClientView connected = view(admin);
            assertThat(connected.messages()).isEqualTo(3);
            Instant seen = connected.lastSeen();
            assertThat(seen).isNotNull();

            gw.disconnect(first);
            assertThat(await(Duration.ofSeconds(10), () -> !view(admin).connected())).isTrue();
            ClientView gone = view(admin);
            assertThat(gone.messages()).as("the total survives the disconnect").isEqualTo(3);
            assertThat(gone.connectionMessages()).isZero();
            assertThat(gone.lastSeen()).as("last seen after the disconnect").isEqualTo(seen);

            ZMQ.Socket second = gw.dealer(keys);
            exchange(second, 2);
            assertThat(await(Duration.ofSeconds(10), () -> view(admin).connectionMessages() == 2)).isTrue();
            ClientView again = view(admin);
            assertThat(again.messages()).isEqualTo(5);
            assertThat(again.lastSeen()).isAfterOrEqualTo(seen);
            Instant latest = again.lastSeen();

            ClientView revoked = admin.revoke("counted", GatewayFixture.TEST_ADMIN);
            assertThat(revoked.lastSeen()).as("in the revoke's answer").isAfterOrEqualTo(latest);
            assertThat(revoked.messages()).isEqualTo(5);
            assertThat(await(Duration.ofSeconds(10), () -> !view(admin).connected())).isTrue();
            for (int i = 0; i < 5; i++) {
                ClientView after = view(admin);
                assertThat(after.lastSeen()).as("clients list after the revoke").isAfterOrEqualTo(latest);
                assertThat(after.messages()).isEqualTo(5);
            }
            assertThat(gw.store().clients().findByName("counted").orElseThrow().lastSeen())
                    .as("not flushed yet: the view does not depend on it").isNull();
        }
    }
}
