package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.nio.file.Path;
import java.time.Duration;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.core.testing.TcpRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/** A peer that goes silent (a dead link, not a closed socket) leaves the connection table on its own. */
class HeartbeatTest {

    @Test
    void silentPeerLeavesTheTableWithinTheHeartbeatTimeout(@TempDir Path dir) throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(dir,
                c -> c.withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(2)));
             TcpRelay relay = new TcpRelay(port(gw.endpoint()))) {
            ZMQ.Socket s = gw.clientSocket(SocketType.DEALER, gw.enrol("fragile"));
            s.connect("tcp://127.0.0.1:" + relay.port());
            send(s, "PING");
            assertThat(receiveText(s)).containsExactly("PONG", "");
            assertThat(await(Duration.ofSeconds(10), () -> gw.gateway().admin().connections().size() == 1)).isTrue();

            relay.freeze();
            // The gateway's heartbeats go unanswered; within the 2 s timeout (polled generously) it drops the peer.
            assertThat(await(Duration.ofSeconds(20), () -> gw.gateway().admin().connections().isEmpty())).isTrue();
            assertThat(gw.gateway().admin().client("fragile").orElseThrow().connected()).isFalse();
        }
    }

    @Test
    void lastSeenIsRecordedEvenForAClientThatAlreadyLeft(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir,
                c -> c.withLastSeenFlush(Duration.ofMillis(300)))) {
            ZMQ.Socket s = gw.dealer(gw.enrol("brief"));
            send(s, "STRING", "hi");
            assertThat(receiveText(s).get(0)).isEqualTo("ACK");
            gw.disconnect(s);
            assertThat(await(Duration.ofSeconds(15),
                    () -> gw.store().clients().findByName("brief").orElseThrow().lastSeen() != null))
                    .as("last seen written to the key store").isTrue();
            assertThat(gw.gateway().admin().client("brief").orElseThrow().lastSeen()).isNotNull();
        }
    }

    static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
