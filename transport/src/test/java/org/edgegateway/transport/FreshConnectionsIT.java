package org.edgegateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Fresh client connections all finish their handshake without a retry. JeroMQ's own poller loses
 * the channel of a connection whose connecter hands it to the stream engine within one turn of the
 * loop (docs/ARCHITECTURE.md, "Stuck client connections"); then the client waits for its handshake
 * time limit. Here no client has one, and each must be answered within 5 s.
 */
class FreshConnectionsIT {
    static final int CONNECTIONS = 500;

    @Test
    void everyFreshDealerIsAnswered() {
        try (ZMQ.Context server = ZMQ.context(1); ZMQ.Context client = ZMQ.context(1)) {
            ZMQ.Socket router = Sockets.bound(server, SocketType.ROUTER, 5_000);
            String endpoint = router.getLastEndpoint();

            List<Integer> stuck = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                ZMQ.Socket dealer = Sockets.open(client, SocketType.DEALER, 5_000);
                dealer.connect(endpoint);
                dealer.send("hello " + i);
                byte[] id = router.recv();
                if (id == null) {
                    stuck.add(i);
                } else {
                    assertThat(router.recvStr()).isEqualTo("hello " + i);
                    router.sendMore(id);
                    router.send("welcome " + i);
                    assertThat(dealer.recvStr()).isEqualTo("welcome " + i);
                }
                dealer.close();
            }
            router.close();
            assertThat(stuck).as("connections that never finished the handshake, of %d", CONNECTIONS).isEmpty();
        }
    }
}
