package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgegateway.keys.StoreFixture.assertFails;
import static org.edgegateway.keys.StoreFixture.key;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients listed a page at a time by the database: filter, order, offset and count in SQL. */
class ClientSearchTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
    private static final int MANY = 10_000;

    @RegisterExtension
    final StoreFixture fx = new StoreFixture(T0);
    private final MutableClock clock = fx.clock();
    private final KeyStore store = fx.store();

    @Test
    void tenThousandClientsArePagedSortedAndSearchedInTheDatabase() {
        Map<String, String> batch = new LinkedHashMap<>();
        for (int i = 0; i < MANY; i++) {
            batch.put(String.format("sensor-%05d", i), anyKey(i));
        }
        assertThat(store.clients().enrolAll(batch, "importer", "10.0.0.9")).isEqualTo(MANY);
        clock.advance(Duration.ofMinutes(5));
        store.clients().enrol("late", key(), "alice", null);
        store.clients().quarantine("sensor-00007", "flood", null, "alice", null);
        store.clients().revoke("sensor-00003", "alice", null);
        store.clients().touchLastSeen(Map.of("sensor-00500", T0.plusSeconds(60), "sensor-00400", T0.plusSeconds(30)));

        long started = System.nanoTime();
        Clients.Page first = store.clients().page(ClientFilter.ALL, ClientOrder.NAME, false, 0, 50);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(first.total()).isEqualTo(MANY + 1);
        assertThat(first.clients()).hasSize(50);
        assertThat(first.clients().get(0).name()).isEqualTo("late");
        assertThat(first.clients().get(1).name()).isEqualTo("sensor-00000");
        assertThat(took).as("a page of %d clients", MANY).isLessThan(Duration.ofSeconds(2));

        Clients.Page last = store.clients().page(ClientFilter.ALL, ClientOrder.NAME, false, MANY - 10, 50);
        assertThat(last.clients()).extracting(ClientRecord::name).hasSize(11).endsWith("sensor-09999");
        assertThat(store.clients().page(ClientFilter.ALL, ClientOrder.NAME, false, MANY + 1, 50).clients()).isEmpty();
        assertThat(store.clients().page(ClientFilter.ALL, ClientOrder.NAME, true, 0, 2).clients())
                .extracting(ClientRecord::name).containsExactly("sensor-09999", "sensor-09998");

        Clients.Page byText = store.clients().page(new ClientFilter("SENSOR-0012", null), ClientOrder.NAME, false, 0, 50);
        assertThat(byText.total()).isEqualTo(10);
        assertThat(byText.clients()).extracting(ClientRecord::name).first().isEqualTo("sensor-00120");
        String key = batch.get("sensor-04242");
        assertThat(store.clients().page(new ClientFilter(key.substring(0, 12), null), ClientOrder.NAME, false, 0, 50)
                .clients()).extracting(ClientRecord::name).containsExactly("sensor-04242");
        assertThat(store.clients().page(new ClientFilter(key.substring(5, 17), null), ClientOrder.NAME, false, 0, 50)
                .total()).as("a key matches by its start only").isZero();

        Clients.Page quarantined = store.clients().page(new ClientFilter(null, ClientStatus.QUARANTINED),
                ClientOrder.NAME, false, 0, 50);
        assertThat(quarantined.total()).isEqualTo(1);
        assertThat(quarantined.clients()).extracting(ClientRecord::name).containsExactly("sensor-00007");
        assertThat(store.clients().page(ClientFilter.ALL, ClientOrder.STATUS, true, 0, 2).clients())
                .extracting(ClientRecord::name).containsExactly("sensor-00003", "sensor-00007");
        assertThat(store.clients().page(ClientFilter.ALL, ClientOrder.STATUS, false, 0, 1).clients())
                .extracting(ClientRecord::name).containsExactly("late");

        assertThat(store.clients().page(ClientFilter.ALL, ClientOrder.LAST_SEEN, true, 0, 3).clients())
                .extracting(ClientRecord::name).containsExactly("sensor-00500", "sensor-00400", "late");
        assertThat(store.clients().page(ClientFilter.ALL, ClientOrder.LAST_SEEN, false, MANY - 1, 2).clients())
                .as("never seen first when ascending").extracting(ClientRecord::name)
                .containsExactly("sensor-00400", "sensor-00500");
        assertThat(store.clients().page(ClientFilter.ALL, ClientOrder.ENROLLED_AT, true, 0, 2).clients())
                .extracting(ClientRecord::name).containsExactly("late", "sensor-00000");

        assertThat(store.clients().names(new ClientFilter("sensor-0999", null))).hasSize(10).first()
                .isEqualTo("sensor-09990");
        assertThat(store.clients().byNames(List.of("sensor-00002", "late", "ghost"))).extracting(ClientRecord::name)
                .containsExactly("late", "sensor-00002");
        assertThat(store.audit().search(new AuditFilter("importer", List.of(), null, null, null), Long.MAX_VALUE, 0, 1000))
                .hasSize(1000).allSatisfy(e -> assertThat(e.action()).isEqualTo(AuditActions.CLIENT_ENROL));
    }

    /** A well-formed public key for the store, made without the cost of a key pair. */
    private static String anyKey(int i) {
        byte[] k = new byte[32];
        new java.util.Random(i).nextBytes(k);
        k[0] = 1;
        return Z85.encode(k);
    }

    @Test
    void searchTextIsTextNeverAPattern() {
        store.clients().enrol("a_b", key(), "alice", null);
        store.clients().enrol("axb", key(), "alice", null);
        store.clients().enrol("percent", key(), "alice", null);
        assertThat(store.clients().names(new ClientFilter("a_b", null))).containsExactly("a_b");
        assertThat(store.clients().names(new ClientFilter("%", null))).isEmpty();
        assertThat(store.clients().names(new ClientFilter("  ", null))).hasSize(3);
        assertThatThrownBy(() -> new ClientFilter("x".repeat(65), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("search text is 65 characters long (at most 64)");
    }

    @Test
    void refusesABadPage() {
        assertFails(() -> store.clients().page(ClientFilter.ALL, ClientOrder.NAME, false, 0, 501),
                KeyStoreException.Reason.INVALID,
                "a page of clients needs offset 0 or more and limit 1 to 500, got offset 0 and limit 501");
        assertFails(() -> store.clients().page(ClientFilter.ALL, ClientOrder.NAME, false, -1, 5),
                KeyStoreException.Reason.INVALID,
                "a page of clients needs offset 0 or more and limit 1 to 500, got offset -1 and limit 5");
    }

    @Test
    void enrolAllEnrolsAllOrNone() {
        store.clients().enrol("taken", key(), "alice", null);
        String k = key();
        Map<String, String> clash = new LinkedHashMap<>();
        clash.put("new-1", key());
        clash.put("taken", key());
        assertFails(() -> store.clients().enrolAll(clash, "bob", null), KeyStoreException.Reason.DUPLICATE_NAME,
                "a client named 'taken' is already enrolled");
        Map<String, String> twice = new LinkedHashMap<>();
        twice.put("one", k);
        twice.put("two", k);
        assertFails(() -> store.clients().enrolAll(twice, "bob", null), KeyStoreException.Reason.DUPLICATE_KEY,
                "public key " + k + " is given twice, for clients 'one' and 'two'");
        assertFails(() -> store.clients().enrolAll(Map.of("bad name", key()), "bob", null),
                KeyStoreException.Reason.INVALID, "client name 'bad name' may only contain A-Z a-z 0-9 . _ -");
        assertThat(store.clients().list()).extracting(ClientRecord::name).containsExactly("taken");

        long changes = store.clients().changes();
        assertThat(store.clients().enrolAll(Map.of("new-1", k), "bob", "10.0.0.2")).isEqualTo(1);
        assertThat(store.clients().changes()).isEqualTo(changes + 1);
        assertThat(store.clients().findByName("new-1").orElseThrow().publicKey()).isEqualTo(k);
        assertThat(store.audit().page(Long.MAX_VALUE, 1)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo(AuditActions.CLIENT_ENROL);
            assertThat(e.subject()).isEqualTo("new-1");
            assertThat(e.detail()).isEqualTo("key " + k);
            assertThat(e.source()).isEqualTo("10.0.0.2");
        });
        assertThat(store.clients().enrolAll(Map.of(), "bob", null)).isZero();
    }
}
