package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.keys.StoreFixture.assertFailsContaining;
import static org.edgegateway.keys.StoreFixture.key;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WorkerKeysTest {
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    @RegisterExtension
    final StoreFixture fx = new StoreFixture(T0);
    private final KeyStore store = fx.store();

    @Test
    void aWorkerKeyIsEnrolledListedAndRevokedWithAnAuditTrail() {
        String k = key();
        WorkerRecord w = store.workers().enrol("resizer-1", k, "admin", "cli");
        assertThat(w.active()).isTrue();
        assertThat(w.enrolledAt()).isEqualTo(T0);
        fx.clock().advance(java.time.Duration.ofMinutes(1));
        WorkerRecord revoked = store.workers().revoke("resizer-1", "admin", "cli");
        assertThat(revoked.active()).isFalse();
        assertThat(revoked.revokedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(store.workers().list()).extracting(WorkerRecord::name).containsExactly("resizer-1");
        assertThat(store.workers().changes()).isEqualTo(2);
        List<AuditEntry> audit = store.audit().page(Long.MAX_VALUE, 10);
        assertThat(audit).extracting(AuditEntry::action).containsExactly("worker.revoke", "worker.enrol");
        assertThat(audit.get(1).detail()).isEqualTo("key " + k);
        assertFailsContaining(() -> store.workers().revoke("resizer-1", "admin", "cli"),
                KeyStoreException.Reason.INVALID, "worker 'resizer-1' is already revoked");
        assertFailsContaining(() -> store.workers().revoke("nobody", "admin", "cli"),
                KeyStoreException.Reason.NOT_FOUND, "no worker named 'nobody'");
    }

    @Test
    void aKeyIsEitherAClientsOrAWorkersNeverBoth() {
        String clientKey = key();
        String workerKey = key();
        store.clients().enrol("sensor-1", clientKey, "admin", "cli");
        store.workers().enrol("resizer-1", workerKey, "admin", "cli");
        assertFailsContaining(() -> store.workers().enrol("resizer-2", clientKey, "admin", "cli"),
                KeyStoreException.Reason.DUPLICATE_KEY,
                "is enrolled as client 'sensor-1'; a worker needs a key of its own");
        assertFailsContaining(() -> store.clients().enrol("sensor-2", workerKey, "admin", "cli"),
                KeyStoreException.Reason.DUPLICATE_KEY, "is already enrolled as worker 'resizer-1'");
        assertFailsContaining(() -> store.workers().enrol("resizer-1", key(), "admin", "cli"),
                KeyStoreException.Reason.DUPLICATE_NAME, "a worker named 'resizer-1' is already enrolled");
        assertThat(store.clients().list()).extracting(ClientRecord::name).containsExactly("sensor-1");
    }

    @Test
    void badNamesAndKeysAreRefusedAtTheBoundary() {
        assertFailsContaining(() -> store.workers().enrol("../x", key(), "admin", "cli"),
                KeyStoreException.Reason.INVALID, "worker name");
        assertFailsContaining(() -> store.workers().enrol("ok", "not-a-key", "admin", "cli"),
                KeyStoreException.Reason.INVALID, "public key of client 'ok'");
        assertThat(store.workers().findByName("../x")).isEmpty();
        assertThat(store.workers().list()).isEmpty();
    }

    @Test
    void twoAdminsEnrollingTheSameKeyAtOnceMakeOneWorker() throws Exception {
        String k = key();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<Boolean> a = () -> enrolled("w-a", k);
            Callable<Boolean> b = () -> enrolled("w-b", k);
            Future<Boolean> fa = pool.submit(a);
            Future<Boolean> fb = pool.submit(b);
            assertThat(fa.get() ^ fb.get()).as("exactly one wins").isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.workers().list()).hasSize(1);
    }

    private boolean enrolled(String name, String k) {
        try {
            store.workers().enrol(name, k, "admin", "cli");
            return true;
        } catch (KeyStoreException e) {
            assertThat(e.reason()).isEqualTo(KeyStoreException.Reason.DUPLICATE_KEY);
            return false;
        }
    }
}
