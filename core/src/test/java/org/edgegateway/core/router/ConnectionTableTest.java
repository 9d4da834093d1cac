package org.edgegateway.core.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.edgegateway.core.admin.ConnectionEvent;
import org.junit.jupiter.api.Test;

/** The connection table's indexes: what the transport tells, in the orders it can tell it. */
class ConnectionTableTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aStormFromOneAddressBindsEveryConnectionToItsKey() {
        ConnectionTable t = new ConnectionTable();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            t.accepted("10.0.0.1:" + (10_000 + i), null, T);
            t.authenticated("key-" + i, "name-" + i, "10.0.0.1", T);
        }
        for (int i = 0; i < n; i++) {
            Connection c = t.bind(id(i), "key-" + i, "name-" + i, "10.0.0.1:" + (10_000 + i), T);
            assertThat(c.peer).isEqualTo("10.0.0.1:" + (10_000 + i));
        }
        assertThat(t.size()).isEqualTo(n);
        t.publishIfDirty();
        assertThat(t.snapshot()).hasSize(n);
        assertThat(t.byKey("key-7").routingId).isEqualTo(id(7));
        for (int i = 0; i < n; i++) {
            t.disconnected("10.0.0.1:" + (10_000 + i), T);
        }
        t.publishIfDirty();
        assertThat(t.snapshot()).isEmpty();
        assertThat(t.size()).isZero();
        assertThat(t.byKey("key-7")).isNull();
    }

    @Test
    void anEndedConnectionsCountsMoveToItsClientsTotalsInTheSamePublication() {
        ConnectionTable t = new ConnectionTable();
        t.accepted("10.0.0.1:10000", null, T);
        Connection c = t.bind(id(0), "key-0", "name-0", "10.0.0.1:10000", T);
        c.messages = 3;
        c.bytes = 30;
        c.lastMessageAt = T.plusSeconds(5);
        t.publishIfDirty();
        assertThat(t.published().connections()).hasSize(1);
        assertThat(t.published().ended()).isEmpty();

        t.disconnected("10.0.0.1:10000", T);
        assertThat(t.published().connections()).as("not published yet: still counted once, live").hasSize(1);
        assertThat(t.published().ended()).isEmpty();
        t.publishIfDirty();
        assertThat(t.published().connections()).isEmpty();
        assertThat(t.published().ended()).containsEntry("name-0",
                new org.edgegateway.core.admin.ClientTotals(T.plusSeconds(5), 3, 30));

        t.accepted("10.0.0.1:10001", null, T);
        Connection again = t.bind(id(1), "key-0", "name-0", "10.0.0.1:10001", T);
        again.messages = 2;
        again.bytes = 20;
        again.lastMessageAt = T.plusSeconds(9);
        t.disconnected("10.0.0.1:10001", T);
        t.publishIfDirty();
        assertThat(t.published().ended()).containsEntry("name-0",
                new org.edgegateway.core.admin.ClientTotals(T.plusSeconds(9), 5, 50));
    }

    @Test
    void aMarkThatWentToTheWrongConnectionIsCorrectedByTheFirstMessage() {
        ConnectionTable t = new ConnectionTable();
        // Two handshakes from one ip overlap: the admissions mark the newest connection each time.
        t.accepted("10.0.0.2:1000", null, T);
        t.accepted("10.0.0.2:1001", null, T);
        t.authenticated("key-a", "a", "10.0.0.2", T);   // marks :1001, which is in fact b's
        t.authenticated("key-b", "b", "10.0.0.2", T);   // marks :1000, which is in fact a's
        Connection a = t.bind(id(1), "key-a", "a", "10.0.0.2:1000", T);
        Connection b = t.bind(id(2), "key-b", "b", "10.0.0.2:1001", T);
        assertThat(a.key).isEqualTo("key-a");
        assertThat(b.key).isEqualTo("key-b");
        t.publishIfDirty();
        assertThat(t.snapshot()).extracting(v -> v.clientName() + "@" + v.peerAddress())
                .containsExactly("a@10.0.0.2:1000", "b@10.0.0.2:1001");
    }

    @Test
    void anAdmissionWhoseConnectionNeverSpokeLeavesNoGhost() {
        ConnectionTable t = new ConnectionTable();
        t.accepted("10.0.0.3:1000", null, T);
        t.authenticated("key-a", "a", "10.0.0.3", T);
        t.accepted("10.0.0.3:1001", null, T);
        t.authenticated("key-a", "a", "10.0.0.3", T);   // the client reconnected before its first message
        t.bind(id(1), "key-a", "a", "10.0.0.3:1001", T);
        t.publishIfDirty();
        assertThat(t.snapshot()).extracting(v -> v.peerAddress()).containsExactly("10.0.0.3:1001");
        // The earlier connection is unauthenticated again and can be marked by the next admission.
        t.authenticated("key-c", "c", "10.0.0.3", T);
        t.publishIfDirty();
        assertThat(t.snapshot()).extracting(v -> v.clientName()).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void aMessageBeforeTheMonitorsReportKeepsWhatItLearnt() {
        ConnectionTable t = new ConnectionTable();
        Connection c = t.bind(id(1), "key-a", "a", "10.0.0.4:1000", T);
        t.accepted("10.0.0.4:1000", null, T);
        assertThat(t.byRouting(id(1))).isSameAs(c);
        assertThat(c.key).isEqualTo("key-a");
        t.disconnected("10.0.0.4:1000", T);
        assertThat(t.byRouting(id(1))).as("gone, and known as gone").isSameAs(c);
        assertThat(c.gone).isTrue();
        assertThat(t.drainDeparted()).isEmpty();
    }

    @Test
    void theConnectionHistoryKeepsTheLastEventsOfTheClientsLastSeen() {
        ConnectionTable t = new ConnectionTable();
        t.accepted("10.0.0.5:2000", null, T);
        t.authenticated("key-a", "a", "10.0.0.5", T.plusSeconds(1));
        Connection c = t.bind(id(1), "key-a", "a", "10.0.0.5:2000", T.plusSeconds(2));
        c.messages = 7;
        c.bytes = 70;
        t.disconnected("10.0.0.5:2000", T.plusSeconds(60));
        assertThat(t.history("a")).containsExactly(
                new ConnectionEvent(ConnectionEvent.Kind.DISCONNECTED, T.plusSeconds(60), "10.0.0.5:2000", 7, 70),
                new ConnectionEvent(ConnectionEvent.Kind.CONNECTED, T.plusSeconds(1), "10.0.0.5:2000", 0, 0));

        for (int i = 0; i < 30; i++) {
            String peer = "10.0.0.5:" + (3000 + i);
            t.accepted(peer, null, T);
            t.bind(id(100 + i), "key-a", "a", peer, T.plusSeconds(100 + i));
            t.disconnected(peer, T.plusSeconds(200 + i));
        }
        assertThat(t.history("a")).as("the newest %d, newest first", ConnectionHistory.PER_CLIENT)
                .hasSize(ConnectionHistory.PER_CLIENT)
                .first().isEqualTo(new ConnectionEvent(ConnectionEvent.Kind.DISCONNECTED, T.plusSeconds(229),
                        "10.0.0.5:3029", 0, 0));
        assertThat(t.history("a").get(ConnectionHistory.PER_CLIENT - 1).peerAddress()).isEqualTo("10.0.0.5:3020");

        for (int i = 0; i < ConnectionHistory.CLIENTS; i++) {
            String peer = "10.0.1." + (i % 250) + ":" + (4000 + i);
            t.accepted(peer, null, T);
            t.bind(id(1000 + i), "key-" + i, "n" + i, peer, T);
        }
        assertThat(t.history("a")).as("the client longest quiet is forgotten first").isEmpty();
        assertThat(t.history("n0")).hasSize(1);
        assertThat(t.history("nobody")).isEmpty();
    }

    private static RoutingId id(int i) {
        return new RoutingId(("r" + i).getBytes(StandardCharsets.US_ASCII));
    }
}
