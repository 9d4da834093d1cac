package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.keys.StoreFixture.assertFails;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuditLogTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00.123456789Z");

    @RegisterExtension
    final StoreFixture fx = new StoreFixture(T0);
    private final KeyStore store = fx.store();

    @Test
    void pagesTheAuditLogNewestFirst() {
        for (int i = 0; i < 25; i++) {
            store.audit().append("alice", "login", "alice", "n" + i, "1.2.3.4");
        }
        store.audit().append("bob", "login", "bob", null, null);
        List<AuditEntry> all = new ArrayList<>();
        long before = Long.MAX_VALUE;
        while (true) {
            List<AuditEntry> page = store.audit().page(before, 10);
            if (page.isEmpty()) {
                break;
            }
            assertThat(page.size()).isLessThanOrEqualTo(10);
            all.addAll(page);
            before = page.get(page.size() - 1).id();
        }
        assertThat(all).hasSize(26);
        assertThat(all.get(0).actor()).isEqualTo("bob");
        assertThat(all.get(1).detail()).isEqualTo("n24");
        assertThat(all.get(25).detail()).isEqualTo("n0");
        assertThat(all).extracting(AuditEntry::id).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        List<AuditEntry> alice = store.audit().pageFor("alice", Long.MAX_VALUE, 5);
        assertThat(alice).hasSize(5).allSatisfy(e -> assertThat(e.subject()).isEqualTo("alice"));
        assertThat(alice.get(0).detail()).isEqualTo("n24");
    }

    @Test
    void refusesAnOverlongDetailAndABadPageSize() {
        assertFails(() -> store.audit().append("a", "x", null, "d".repeat(4001), null), KeyStoreException.Reason.INVALID,
                "detail is 4001 characters long (at most 4000)");
        assertFails(() -> store.audit().page(Long.MAX_VALUE, 0), KeyStoreException.Reason.INVALID,
                "page size must be 1 to 1000, got 0");
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).isEmpty();
    }
}
