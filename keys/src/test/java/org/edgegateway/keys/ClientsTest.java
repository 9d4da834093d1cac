package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgegateway.keys.StoreFixture.assertFails;
import static org.edgegateway.keys.StoreFixture.key;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClientsTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00.123456789Z");

    @RegisterExtension
    final StoreFixture fx = new StoreFixture(T0);
    private final MutableClock clock = fx.clock();
    private final KeyStore store = fx.store();

    @Test
    void enrolsAndFindsClients() {
        String k = key();
        ClientRecord r = store.clients().enrol("sensor-1", k, "alice", "10.0.0.1");
        assertThat(r.id()).isPositive();
        assertThat(r.name()).isEqualTo("sensor-1");
        assertThat(r.publicKey()).isEqualTo(k);
        assertThat(r.status()).isEqualTo(ClientStatus.ACTIVE);
        assertThat(r.enrolledAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
        assertThat(r.enrolledBy()).isEqualTo("alice");
        assertThat(r.limits()).isEqualTo(ClientLimits.DEFAULTS);
        assertThat(r.revokedAt()).isNull();
        assertThat(r.lastSeen()).isNull();

        assertThat(store.clients().findByName("sensor-1")).contains(r);
        assertThat(store.clients().findByKey(k)).contains(r);
        assertThat(store.clients().findByName("nobody")).isEmpty();
        assertThat(store.clients().findByName("bad name")).isEmpty();
        assertThat(store.clients().findByKey("short")).isEmpty();

        store.clients().enrol("a-first", key(), "alice", null);
        assertThat(store.clients().list()).extracting(ClientRecord::name).containsExactly("a-first", "sensor-1");

        List<AuditEntry> audit = store.audit().page(Long.MAX_VALUE, 10);
        assertThat(audit).hasSize(2);
        AuditEntry enrol = audit.get(1);
        assertThat(enrol.action()).isEqualTo(AuditActions.CLIENT_ENROL);
        assertThat(enrol.subject()).isEqualTo("sensor-1");
        assertThat(enrol.actor()).isEqualTo("alice");
        assertThat(enrol.source()).isEqualTo("10.0.0.1");
        assertThat(enrol.detail()).contains(k);
        assertThat(enrol.at()).isEqualTo(r.enrolledAt());
    }

    @Test
    void refusesDuplicatesNamingThem() {
        String k = key();
        store.clients().enrol("dup", k, "alice", null);
        assertFails(() -> store.clients().enrol("dup", key(), "bob", null),
                KeyStoreException.Reason.DUPLICATE_NAME, "a client named 'dup' is already enrolled");
        assertFails(() -> store.clients().enrol("other", k, "bob", null),
                KeyStoreException.Reason.DUPLICATE_KEY, "public key " + k + " is already enrolled as client 'dup'");
        assertThat(store.clients().list()).hasSize(1);
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).hasSize(1);
    }

    @Test
    void refusesBadInput() {
        assertFails(() -> store.clients().enrol("bad name", key(), "a", null), KeyStoreException.Reason.INVALID,
                "client name 'bad name' may only contain A-Z a-z 0-9 . _ -");
        assertFails(() -> store.clients().enrol("x", key().substring(1), "a", null), KeyStoreException.Reason.INVALID,
                "public key of client 'x': Z85 key must be 40 characters, got 39");
        assertFails(() -> store.clients().enrol("x", Z85.encode(new byte[32]), "a", null),
                KeyStoreException.Reason.INVALID,
                "public key of client 'x': the all-zero key is not a CURVE public key");
        assertFails(() -> store.clients().enrol("x", key(), " ", null),
                KeyStoreException.Reason.INVALID, "actor is missing");
        assertThat(store.clients().list()).isEmpty();
    }

    @Test
    void revokes() {
        store.clients().enrol("c", key(), "alice", null);
        clock.advance(Duration.ofMinutes(1));
        ClientRecord r = store.clients().revoke("c", "bob", "cli");
        assertThat(r.status()).isEqualTo(ClientStatus.REVOKED);
        assertThat(r.revokedAt()).isEqualTo(Instant.parse("2025-06-01T10:01:00.123456Z"));
        assertThat(r.isAdmittedAt(clock.instant())).isFalse();
        assertFails(() -> store.clients().revoke("c", "bob", "cli"), KeyStoreException.Reason.INVALID,
                "client 'c' is already revoked (since 2025-06-01T10:01:00.123456Z)");
        assertFails(() -> store.clients().revoke("nope", "bob", "cli"), KeyStoreException.Reason.NOT_FOUND,
                "no client named 'nope'");
        assertFails(() -> store.clients().quarantine("c", "flood", null, "bob", null), KeyStoreException.Reason.INVALID,
                "client 'c' is revoked; a revoked client cannot be quarantined");
        assertFails(() -> store.clients().setLimits("c", new ClientLimits(1.0, null, null), "bob", null),
                KeyStoreException.Reason.INVALID, "client 'c' is revoked; its limits cannot be changed");
        AuditEntry last = store.audit().page(Long.MAX_VALUE, 1).get(0);
        assertThat(last.action()).isEqualTo(AuditActions.CLIENT_REVOKE);
        assertThat(last.actor()).isEqualTo("bob");
        assertThat(last.source()).isEqualTo("cli");
    }

    @Test
    void quarantinesAndReleases() {
        store.clients().enrol("c", key(), "alice", null);
        assertFails(() -> store.clients().release("c", "bob", null), KeyStoreException.Reason.INVALID,
                "client 'c' is not quarantined (it is active)");
        Instant until = clock.instant().plus(Duration.ofMinutes(10));
        ClientRecord q = store.clients().quarantine("c", "flooding", until, "system", "gateway");
        assertThat(q.status()).isEqualTo(ClientStatus.QUARANTINED);
        assertThat(q.quarantineReason()).isEqualTo("flooding");
        assertThat(q.quarantinedAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
        assertThat(q.quarantineUntil()).isEqualTo(Instant.parse("2025-06-01T10:10:00.123456Z"));
        assertThat(q.isQuarantinedAt(clock.instant())).isTrue();
        assertThat(q.isQuarantinedAt(until.plusSeconds(1))).isFalse();
        assertThat(q.isAdmittedAt(until.plusSeconds(1))).isTrue();

        ClientRecord again = store.clients().quarantine("c", "manual", null, "alice", null);
        assertThat(again.quarantineUntil()).isNull();
        assertThat(again.quarantineReason()).isEqualTo("manual");

        ClientRecord released = store.clients().release("c", "alice", null);
        assertThat(released.status()).isEqualTo(ClientStatus.ACTIVE);
        assertThat(released.quarantineReason()).isNull();
        assertThat(released.quarantinedAt()).isNull();
        assertThat(released.quarantineUntil()).isNull();

        assertFails(() -> store.clients().quarantine("c", "x", clock.instant(), "a", null),
                KeyStoreException.Reason.INVALID,
                "quarantine end 2025-06-01T10:00:00.123456789Z for client 'c' is not after now"
                        + " (2025-06-01T10:00:00.123456Z)");
        assertFails(() -> store.clients().quarantine("c", " ", null, "a", null), KeyStoreException.Reason.INVALID,
                "quarantine reason is missing");
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).extracting(AuditEntry::action).containsExactly(
                AuditActions.CLIENT_RELEASE, AuditActions.CLIENT_QUARANTINE, AuditActions.CLIENT_QUARANTINE,
                AuditActions.CLIENT_ENROL);
    }

    @Test
    void setsLimits() {
        store.clients().enrol("c", key(), "alice", null);
        ClientRecord r = store.clients().setLimits("c", new ClientLimits(2.5, 10, null), "alice", null);
        assertThat(r.limits()).isEqualTo(new ClientLimits(2.5, 10, null));
        assertThat(store.clients().findByName("c").orElseThrow().limits()).isEqualTo(new ClientLimits(2.5, 10, null));
        assertThat(store.audit().page(Long.MAX_VALUE, 1).get(0).detail())
                .isEqualTo("messagesPerSecond=2.5, burst=10, bytesPerSecond=default");
        assertThat(store.clients().setLimits("c", null, "alice", null).limits()).isEqualTo(ClientLimits.DEFAULTS);
        assertThat(store.clients().setLimits("c", new ClientLimits(null, null, 1L << 40), "a", null)
                .limits().bytesPerSecond())
                .isEqualTo(1L << 40);
    }

    @Test
    void clientChangesMoveOnlyOnCommittedChanges() {
        long before = store.clients().changes();
        store.clients().enrol("c", key(), "alice", null);
        assertThat(store.clients().changes()).isEqualTo(before + 1);
        assertThatThrownBy(() -> store.clients().release("c", "a", null)).isInstanceOf(KeyStoreException.class);
        store.clients().touchLastSeen(Map.of("c", clock.instant()));
        assertThat(store.clients().changes()).isEqualTo(before + 1);
        store.clients().revoke("c", "a", null);
        assertThat(store.clients().changes()).isEqualTo(before + 2);
    }

    @Test
    void touchesLastSeenInABatchWithoutAudit() {
        store.clients().enrol("a", key(), "alice", null);
        store.clients().enrol("b", key(), "alice", null);
        Instant t1 = Instant.parse("2025-06-01T11:00:00.000001Z");
        Map<String, Instant> seen = new LinkedHashMap<>();
        seen.put("a", t1);
        seen.put("b", t1.plusSeconds(5));
        seen.put("ghost", t1);
        store.clients().touchLastSeen(seen);
        assertThat(store.clients().findByName("a").orElseThrow().lastSeen()).isEqualTo(t1);
        assertThat(store.clients().findByName("b").orElseThrow().lastSeen()).isEqualTo(t1.plusSeconds(5));
        store.clients().touchLastSeen(Map.of("a", t1.minusSeconds(60)));
        assertThat(store.clients().findByName("a").orElseThrow().lastSeen()).isEqualTo(t1);
        store.clients().touchLastSeen(Map.of());
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).hasSize(2);
    }

    @Test
    void concurrentEnrolmentsAllLandOnceEach() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String name = "c" + (i % 20); // every name twice
                results.add(pool.submit(() -> {
                    try {
                        store.clients().enrol(name, key(), "t", null);
                        return "ok";
                    } catch (KeyStoreException e) {
                        return e.reason().name();
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(outcomes).filteredOn("ok"::equals).hasSize(20);
            assertThat(outcomes).filteredOn(o -> !o.equals("ok")).containsOnly("DUPLICATE_NAME");
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.clients().list()).hasSize(20);
        assertThat(store.audit().page(Long.MAX_VALUE, 100)).hasSize(20);
    }
}
