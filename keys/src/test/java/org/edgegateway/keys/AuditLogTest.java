package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.keys.StoreFixture.assertFails;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
    private final MutableClock clock = fx.clock();

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

    @Test
    void searchesByActorActionSubjectAndTime() {
        store.audit().append("alice", "client.enrol", "s1", null, null);
        store.audit().append("bob", "client.quarantine", "s1", null, null);
        clock.advance(Duration.ofHours(1));
        store.audit().append("alice", "client.bundle.download", "s1.zip", null, null);
        store.audit().append("alice", "clients.other", "s2", null, null);
        store.audit().append("token:ci", "token.create", "ci", null, null);
        Instant later = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        Instant start = T0.truncatedTo(java.time.temporal.ChronoUnit.MICROS);

        assertThat(search(new AuditFilter("alice", List.of(), null, null, null))).extracting(AuditEntry::action)
                .containsExactly("clients.other", "client.bundle.download", "client.enrol");
        assertThat(search(new AuditFilter(null, List.of("client"), null, null, null))).extracting(AuditEntry::action)
                .as("an action and those below it, not those that merely start alike")
                .containsExactly("client.bundle.download", "client.quarantine", "client.enrol");
        assertThat(search(new AuditFilter(null, List.of("client.enrol", "token"), null, null, null)))
                .extracting(AuditEntry::action).containsExactly("token.create", "client.enrol");
        assertThat(search(new AuditFilter("alice", List.of("client"), "s1", null, null)))
                .extracting(AuditEntry::action).containsExactly("client.enrol");
        assertThat(search(new AuditFilter(null, List.of(), null, start, later))).extracting(AuditEntry::action)
                .as("from inclusive, to exclusive").containsExactly("client.quarantine", "client.enrol");
        assertThat(search(new AuditFilter(null, List.of(), null, later, null))).hasSize(3);
        assertThat(search(new AuditFilter("token:ci", List.of(), null, null, null))).hasSize(1);

        List<AuditEntry> all = search(AuditFilter.NONE);
        assertThat(store.audit().search(AuditFilter.NONE, Long.MAX_VALUE, 1, 2)).containsExactly(all.get(1), all.get(2));
        assertThat(store.audit().search(AuditFilter.NONE, all.get(1).id(), 0, 10)).containsExactlyElementsOf(
                all.subList(2, 5));
        assertFails(() -> store.audit().search(AuditFilter.NONE, Long.MAX_VALUE, -1, 10),
                KeyStoreException.Reason.INVALID, "offset must be 0 or more, got -1");
        assertThatThrownBy(() -> new AuditFilter(null, List.of("client%"), null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("action 'client%' may only contain A-Z a-z 0-9 . _ - and must start with a letter or a digit");
        assertThatThrownBy(() -> new AuditFilter(null, List.of(), null, later, start))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the time range from " + later + " to " + start + " is empty");
    }

    private List<AuditEntry> search(AuditFilter filter) {
        return store.audit().search(filter, Long.MAX_VALUE, 0, 100);
    }
}
