package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgegateway.core.testing.GatewayFixture.await;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.ClientPage;
import org.edgegateway.core.admin.ClientQuery;
import org.edgegateway.core.admin.ClientSort;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.admin.ConnectionEvent;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.ClientFilter;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/**
 * The clients list a page at a time on a running gateway, joined with the live counts, ordered by
 * them too; and each client's connection history. The same with the gateway stopped.
 */
@Timeout(120)
class ClientPagesTest {

    private static ClientQuery query(ClientSort sort, boolean descending, int offset, int limit) {
        return new ClientQuery(ClientFilter.ALL, sort, descending, offset, limit);
    }

    private static List<String> names(ClientPage page) {
        return page.clients().stream().map(ClientView::name).toList();
    }

    private static void exchange(ZMQ.Socket s, int n) {
        for (int i = 0; i < n; i++) {
            send(s, "STRING", "reading " + i);
            assertThat(receiveText(s).get(0)).isEqualTo("ACK");
        }
    }

    @Test
    void pagesJoinTheLiveCountsAndOrderByThem(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            AdminService admin = gw.gateway().admin();
            for (String n : List.of("c1", "c3", "c5")) {
                gw.enrol(n);
            }
            CurveKeyPair c2 = gw.enrol("c2");
            CurveKeyPair c4 = gw.enrol("c4");
            ZMQ.Socket busy = gw.dealer(c2);
            exchange(busy, 3);
            ZMQ.Socket quiet = gw.dealer(c4);
            exchange(quiet, 1);
            assertThat(await(Duration.ofSeconds(10), () -> admin.connections().size() == 2)).isTrue();

            ClientPage byName = admin.clientPage(query(ClientSort.NAME, false, 1, 2));
            assertThat(byName.total()).isEqualTo(5);
            assertThat(names(byName)).containsExactly("c2", "c3");
            assertThat(byName.clients().get(0).connected()).isTrue();
            assertThat(byName.clients().get(0).messages()).isEqualTo(3);
            assertThat(byName.order()).isEqualTo("asc");

            assertThat(names(admin.clientPage(query(ClientSort.MESSAGES, true, 0, 3)))).containsExactly("c2", "c4", "c1");
            assertThat(names(admin.clientPage(query(ClientSort.MESSAGES, false, 0, 5))))
                    .containsExactly("c1", "c3", "c5", "c4", "c2");
            ClientPage tail = admin.clientPage(query(ClientSort.MESSAGES, true, 4, 3));
            assertThat(names(tail)).containsExactly("c5");
            assertThat(tail.total()).isEqualTo(5);

            admin.quarantine("c4", "test", null, GatewayFixture.TEST_ADMIN);
            ClientPage quarantined = admin.clientPage(new ClientQuery(new ClientFilter("c", ClientStatus.QUARANTINED),
                    ClientSort.MESSAGES, true, 0, 10));
            assertThat(names(quarantined)).containsExactly("c4");
            assertThat(quarantined.clients().get(0).messages()).as("its count, though its connection was cut").isEqualTo(1);

            gw.disconnect(busy);
            assertThat(await(Duration.ofSeconds(10), () -> admin.connectionHistory("c2").size() == 2)).isTrue();
            List<ConnectionEvent> history = admin.connectionHistory("c2");
            assertThat(history).extracting(ConnectionEvent::event)
                    .containsExactly(ConnectionEvent.Kind.DISCONNECTED, ConnectionEvent.Kind.CONNECTED);
            assertThat(history.get(0).messages()).isEqualTo(3);
            assertThat(history.get(0).peerAddress()).startsWith("127.0.0.1:").isEqualTo(history.get(1).peerAddress());
            assertThat(history.get(0).at()).isAfterOrEqualTo(history.get(1).at());
            assertThat(admin.connectionHistory("c1")).isEmpty();

            assertThatThrownBy(() -> query(ClientSort.NAME, false, 0, 501)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("limit 501 is not in 1..500");
        }
    }

    @Test
    void aStoppedGatewayPagesTheStoreAlone(@TempDir Path dir) {
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            gw.enrol("b");
            gw.enrol("a");
            OfflineAdmin offline = new OfflineAdmin(gw.store(), "key", "tcp://x:1", java.time.Clock.systemUTC());
            assertThat(names(offline.clientPage(query(ClientSort.MESSAGES, true, 0, 10)))).containsExactly("a", "b");
            assertThat(names(offline.clientPage(query(ClientSort.NAME, true, 0, 10)))).containsExactly("b", "a");
            assertThat(offline.connectionHistory("a")).isEmpty();
            assertThat(offline.clientRates("a").messages()).isEmpty();
        }
    }
}
