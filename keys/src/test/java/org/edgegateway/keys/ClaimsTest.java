package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgegateway.keys.StoreFixture.key;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClaimsTest {
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    @RegisterExtension
    final StoreFixture fx = new StoreFixture(T0);
    private final MutableClock clock = fx.clock();
    private KeyStore store = fx.store();

    private NewClaim claim(String prefix, int uses, boolean manual) {
        return store.claims().create(prefix, uses, T0.plus(Duration.ofHours(24)), manual, "admin", "cli");
    }

    @Test
    void aClaimEnrolsActiveClientsUnderItsPrefixUntilItsUsesAreGone() {
        NewClaim c = claim("site1-", 2, false);
        assertThat(c.secret()).startsWith(Claims.SECRET_PREFIX);
        assertThat(c.toString()).doesNotContain(c.secret());
        long before = store.clients().changes();

        ClaimRedemption first = store.claims().redeem(c.secret(), "site1-a", key(), "10.0.0.7");
        assertThat(first.enrolled()).isTrue();
        assertThat(first.pending()).isFalse();
        assertThat(first.client().status()).isEqualTo(ClientStatus.ACTIVE);
        assertThat(store.clients().changes()).isGreaterThan(before);
        assertThat(store.claims().redeem(c.secret(), "site1-b", key(), "10.0.0.8").enrolled()).isTrue();

        ClaimRedemption third = store.claims().redeem(c.secret(), "site1-c", key(), "10.0.0.9");
        assertThat(third.code()).isEqualTo("CLAIM_USED_UP");
        assertThat(third.claimId()).isEqualTo(c.claim().id());
        assertThat(store.clients().findByName("site1-c")).isEmpty();
        assertThat(store.claims().find(c.claim().id()).orElseThrow().state(clock.instant())).isEqualTo("used-up");

        List<AuditEntry> audit = store.audit().page(Long.MAX_VALUE, 10);
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditActions.CLAIM_ENROL);
            assertThat(e.subject()).isEqualTo("site1-a");
            assertThat(e.actor()).isEqualTo("claim:" + c.claim().id());
            assertThat(e.detail()).contains("claim " + c.claim().id());
            assertThat(e.source()).isEqualTo("10.0.0.7");
        });
        assertThat(audit).anySatisfy(e -> assertThat(e.action()).isEqualTo(AuditActions.CLAIM_CREATE));
    }

    @Test
    void theSecretIsStoredOnlyAsItsHash() throws Exception {
        NewClaim c = claim("s-", 1, false);
        store.close();
        try (Stream<Path> files = Files.walk(fx.dir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(c.secret());
            }
        }
        store = fx.reopen();
        assertThat(store.claims().redeem(c.secret(), "s-1", key(), "a").enrolled()).isTrue();
    }

    @Test
    void wrongExpiredAndRevokedClaimsEnrolNobody() {
        NewClaim c = claim("x-", 5, false);
        assertThat(store.claims().redeem("egc_wrong", "x-1", key(), "a").code()).isEqualTo("BAD_CLAIM");
        assertThat(store.claims().redeem("nonsense", "x-1", key(), "a").code()).isEqualTo("BAD_CLAIM");
        assertThat(store.claims().redeem(null, "x-1", key(), "a").code()).isEqualTo("BAD_CLAIM");

        clock.advance(Duration.ofHours(24));
        ClaimRedemption expired = store.claims().redeem(c.secret(), "x-1", key(), "a");
        assertThat(expired.code()).isEqualTo("CLAIM_EXPIRED");
        clock.set(T0);

        NewClaim d = claim("y-", 5, false);
        ClaimRecord revoked = store.claims().revoke(d.claim().id(), "admin", "cli");
        assertThat(revoked.state(T0)).isEqualTo("revoked");
        assertThat(store.claims().redeem(d.secret(), "y-1", key(), "a").code()).isEqualTo("CLAIM_REVOKED");
        assertThatThrownBy(() -> store.claims().revoke(d.claim().id(), "admin", "cli"))
                .hasMessageContaining("already revoked");
        assertThatThrownBy(() -> store.claims().revoke(999, "admin", "cli"))
                .isInstanceOfSatisfying(KeyStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeyStoreException.Reason.NOT_FOUND));
        assertThat(store.clients().list()).isEmpty();
        assertThat(store.claims().find(d.claim().id()).orElseThrow().usesLeft()).isEqualTo(5);
    }

    @Test
    void theNameMustStartWithThePrefixAndBeFreeAndTheKeyNew() {
        NewClaim c = claim("lab-", 5, false);
        String k = key();
        assertThat(store.claims().redeem(c.secret(), "other-1", key(), "a").code()).isEqualTo("BAD_NAME");
        assertThat(store.claims().redeem(c.secret(), "lab-", key(), "a").code()).isEqualTo("BAD_NAME");
        assertThat(store.claims().redeem(c.secret(), "lab-../x", key(), "a").code()).isEqualTo("BAD_NAME");
        store.clients().enrol("lab-1", k, "admin", "cli");
        assertThat(store.claims().redeem(c.secret(), "lab-1", key(), "a").code()).isEqualTo("NAME_TAKEN");
        assertThat(store.claims().redeem(c.secret(), "lab-2", k, "a").code()).isEqualTo("KEY_TAKEN");
        assertThat(store.claims().find(c.claim().id()).orElseThrow().usesLeft()).isEqualTo(5);
    }

    @Test
    void manualApprovalKeepsTheClientPendingUntilApprovedOrRejected() {
        NewClaim c = claim("m-", 3, true);
        ClaimRedemption r = store.claims().redeem(c.secret(), "m-1", key(), "192.0.2.4");
        assertThat(r.pending()).isTrue();
        assertThat(r.client().isAdmittedAt(T0)).isFalse();
        store.claims().redeem(c.secret(), "m-2", key(), "192.0.2.5");
        assertThat(store.claims().pending()).extracting(PendingClient::name).containsExactly("m-1", "m-2");
        assertThat(store.claims().pending().get(0).address()).isEqualTo("192.0.2.4");
        assertThat(store.claims().pending().get(0).claimId()).isEqualTo(c.claim().id());

        assertThatThrownBy(() -> store.clients().quarantine("m-1", "x", null, "admin", "cli"))
                .hasMessageContaining("pending");
        ClientRecord approved = store.clients().approve("m-1", "admin", "cli");
        assertThat(approved.status()).isEqualTo(ClientStatus.ACTIVE);
        assertThat(approved.isAdmittedAt(T0)).isTrue();
        ClientRecord rejected = store.clients().reject("m-2", "admin", "cli");
        assertThat(rejected.status()).isEqualTo(ClientStatus.REVOKED);
        assertThat(store.claims().pending()).isEmpty();
        assertThatThrownBy(() -> store.clients().approve("m-1", "admin", "cli")).hasMessageContaining("not pending");
        assertThat(store.audit().page(Long.MAX_VALUE, 5)).extracting(AuditEntry::action)
                .contains(AuditActions.CLIENT_APPROVE, AuditActions.CLIENT_REJECT);
    }

    @Test
    void ofManySensorsRacingForTheLastUseExactlyOneWins() throws Exception {
        for (int round = 0; round < 5; round++) {
            NewClaim c = claim("race" + round + "-", 1, false);
            int racers = 8;
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            try {
                List<Future<ClaimRedemption>> results = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    String name = "race" + round + "-" + i;
                    results.add(pool.submit(() -> {
                        go.await();
                        return store.claims().redeem(c.secret(), name, key(), "10.1.1." + name.length());
                    }));
                }
                go.countDown();
                int won = 0;
                for (Future<ClaimRedemption> f : results) {
                    ClaimRedemption r = f.get();
                    if (r.enrolled()) {
                        won++;
                    } else {
                        assertThat(r.code()).isEqualTo("CLAIM_USED_UP");
                    }
                }
                assertThat(won).isEqualTo(1);
                assertThat(store.claims().find(c.claim().id()).orElseThrow().usesLeft()).isZero();
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(store.clients().list()).hasSize(5);
    }

    @Test
    void badArgumentsAreRefused() {
        Instant later = T0.plusSeconds(60);
        assertThatThrownBy(() -> store.claims().create("", 1, later, false, "a", null)).hasMessageContaining("prefix");
        assertThatThrownBy(() -> store.claims().create("-x", 1, later, false, "a", null)).hasMessageContaining("prefix");
        assertThatThrownBy(() -> store.claims().create("p-", 0, later, false, "a", null)).hasMessageContaining("uses");
        assertThatThrownBy(() -> store.claims().create("p-", 1, T0, false, "a", null)).hasMessageContaining("expiry");
    }
}
