package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.keys.StoreFixture.assertFails;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminUsersTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00.123456789Z");

    @RegisterExtension
    final StoreFixture fx = new StoreFixture(T0);
    private final MutableClock clock = fx.clock();
    private final KeyStore store = fx.store();

    /** The audit log's actions, oldest first. */
    private List<String> actions() {
        List<String> actions = new ArrayList<>(store.audit().page(Long.MAX_VALUE, 50).stream().map(AuditEntry::action).toList());
        java.util.Collections.reverse(actions);
        return actions;
    }

    @Test
    void adminUsers() {
        AdminUser u = store.admins().create("admin", "hash1", AdminRole.ADMIN, true, "setup", "cli");
        assertThat(u.mustChangePassword()).isTrue();
        assertThat(u.role()).isEqualTo(AdminRole.ADMIN);
        assertThat(u.enabled()).isTrue();
        assertThat(u.createdAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
        assertThat(u.passwordChangedAt()).isNull();
        assertThat(u.lastLoginAt()).isNull();
        assertThat(u.toString()).doesNotContain("hash1");
        assertFails(() -> store.admins().create("admin", "h", AdminRole.VIEWER, false, "setup", null),
                KeyStoreException.Reason.DUPLICATE_NAME, "an admin user named 'admin' already exists");

        clock.advance(Duration.ofHours(1));
        store.admins().updatePassword("admin", "hash2", false, "admin", "10.0.0.2");
        AdminUser changed = store.admins().find("admin").orElseThrow();
        assertThat(changed.passwordHash()).isEqualTo("hash2");
        assertThat(changed.mustChangePassword()).isFalse();
        assertThat(changed.passwordChangedAt()).isEqualTo(Instant.parse("2025-06-01T11:00:00.123456Z"));
        assertFails(() -> store.admins().updatePassword("ghost", "h", false, "admin", null),
                KeyStoreException.Reason.NOT_FOUND, "no admin user named 'ghost'");

        store.admins().create("aaron", "h", AdminRole.ADMIN, false, "admin", null);
        assertThat(store.admins().list()).extracting(AdminUser::name).containsExactly("aaron", "admin");
        assertThat(store.admins().find("nobody")).isEmpty();
        assertThat(actions()).containsExactly(AuditActions.ADMIN_CREATE, AuditActions.ADMIN_PASSWORD,
                AuditActions.ADMIN_CREATE);
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).allSatisfy(
                e -> assertThat(String.valueOf(e.detail())).doesNotContain("hash"));
    }

    @Test
    void namesFollowTheClientNameRuleAndARoleIsRequired() {
        assertFails(() -> store.admins().create("-bob", "h", AdminRole.ADMIN, true, "admin", null),
                KeyStoreException.Reason.INVALID, "admin user name '-bob' must start with a letter or a digit");
        assertFails(() -> store.admins().create("bob smith", "h", AdminRole.ADMIN, true, "admin", null),
                KeyStoreException.Reason.INVALID, "admin user name 'bob smith' may only contain A-Z a-z 0-9 . _ -");
        assertFails(() -> store.admins().create("bob", "h", null, true, "admin", null),
                KeyStoreException.Reason.INVALID, "role of admin user 'bob' is missing");
        assertThat(store.admins().list()).isEmpty();
        assertThat(AdminRole.parse(" Viewer ")).isEqualTo(AdminRole.VIEWER);
        assertThat(AdminRole.VIEWER.scope()).isEqualTo(TokenScope.READ_ONLY);
        assertThat(AdminRole.ADMIN.scope()).isEqualTo(TokenScope.ADMIN);
    }

    @Test
    void rolesChangeEachAuditedAndEveryChangeMovesTheCounter() {
        store.admins().create("admin", "h", AdminRole.ADMIN, false, "setup", null);
        long before = store.admins().changes();
        AdminUser viewer = store.admins().create("vera", "h", AdminRole.VIEWER, true, "admin", "10.0.0.2");
        assertThat(viewer.role()).isEqualTo(AdminRole.VIEWER);
        assertThat(store.audit().pageFor("vera", Long.MAX_VALUE, 5)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("admin");
            assertThat(e.detail()).isEqualTo("role viewer, must change password");
            assertThat(e.source()).isEqualTo("10.0.0.2");
        });

        assertThat(store.admins().setRole("vera", AdminRole.ADMIN, "admin", null).role()).isEqualTo(AdminRole.ADMIN);
        assertFails(() -> store.admins().setRole("vera", AdminRole.ADMIN, "admin", null),
                KeyStoreException.Reason.INVALID, "admin user 'vera' has role admin already");
        assertThat(store.admins().setRole("vera", AdminRole.VIEWER, "admin", null).role()).isEqualTo(AdminRole.VIEWER);
        assertFails(() -> store.admins().setRole("ghost", AdminRole.VIEWER, "admin", null),
                KeyStoreException.Reason.NOT_FOUND, "no admin user named 'ghost'");
        assertThat(store.audit().pageFor("vera", Long.MAX_VALUE, 5)).extracting(AuditEntry::detail)
                .startsWith("role viewer (was admin)", "role admin (was viewer)");
        assertThat(store.admins().changes()).as("create and two role changes").isEqualTo(before + 3);
        store.admins().recordLogin("vera", "10.0.0.3");
        assertThat(store.admins().changes()).as("a login is not a change").isEqualTo(before + 3);
    }

    @Test
    void aDisabledAdminIsKeptAndEnabledAgainAsItWas() {
        store.admins().create("admin", "h", AdminRole.ADMIN, false, "setup", null);
        store.admins().create("bob", "h-bob", AdminRole.ADMIN, false, "admin", null);
        clock.advance(Duration.ofMinutes(5));
        AdminUser off = store.admins().disable("bob", "admin", "10.0.0.2");
        assertThat(off.enabled()).isFalse();
        assertThat(off.disabledAt()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertFails(() -> store.admins().disable("bob", "admin", null), KeyStoreException.Reason.INVALID,
                "admin user 'bob' is disabled already (since " + off.disabledAt() + ")");
        AdminUser on = store.admins().enable("bob", "admin", null);
        assertThat(on.enabled()).isTrue();
        assertThat(on.passwordHash()).isEqualTo("h-bob");
        assertThat(on.role()).isEqualTo(AdminRole.ADMIN);
        assertFails(() -> store.admins().enable("bob", "admin", null), KeyStoreException.Reason.INVALID,
                "admin user 'bob' is enabled");
        assertFails(() -> store.admins().disable("ghost", "admin", null), KeyStoreException.Reason.NOT_FOUND,
                "no admin user named 'ghost'");
        assertThat(actions()).containsExactly(AuditActions.ADMIN_CREATE, AuditActions.ADMIN_CREATE,
                AuditActions.ADMIN_DISABLE, AuditActions.ADMIN_ENABLE);
    }

    @Test
    void aResetSetsANewHashThatMustBeChangedAndALoginIsRecordedWithItsAuditRow() {
        store.admins().create("admin", "h", AdminRole.ADMIN, false, "setup", null);
        store.admins().create("bob", "h-bob", AdminRole.VIEWER, false, "admin", null);
        clock.advance(Duration.ofMinutes(1));
        store.admins().recordLogin("bob", "10.0.0.7");
        assertThat(store.admins().find("bob").orElseThrow().lastLoginAt())
                .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        clock.advance(Duration.ofMinutes(1));
        AdminUser reset = store.admins().resetPassword("bob", "h-new", "admin", "10.0.0.2");
        assertThat(reset.passwordHash()).isEqualTo("h-new");
        assertThat(reset.mustChangePassword()).isTrue();
        assertThat(reset.passwordChangedAt()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertFails(() -> store.admins().resetPassword("ghost", "h", "admin", null), KeyStoreException.Reason.NOT_FOUND,
                "no admin user named 'ghost'");
        assertThat(store.audit().pageFor("bob", Long.MAX_VALUE, 5)).extracting(AuditEntry::action, AuditEntry::actor,
                AuditEntry::detail).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AuditActions.ADMIN_RESET, "admin", "must change password"),
                        org.assertj.core.groups.Tuple.tuple(AuditActions.ADMIN_LOGIN, "bob", null),
                        org.assertj.core.groups.Tuple.tuple(AuditActions.ADMIN_CREATE, "admin", "role viewer"));
    }

    @Test
    void theLastEnabledAdminIsNeitherDisabledNorDemoted() {
        store.admins().create("admin", "h", AdminRole.ADMIN, false, "setup", null);
        store.admins().create("vera", "h", AdminRole.VIEWER, false, "admin", null);
        String last = "admin user 'admin' is the last enabled admin: ";
        assertFails(() -> store.admins().disable("admin", "admin", null), KeyStoreException.Reason.CONFLICT,
                last + "disabling it would leave nobody to manage the gateway; make another admin first");
        assertFails(() -> store.admins().setRole("admin", AdminRole.VIEWER, "admin", null),
                KeyStoreException.Reason.CONFLICT,
                last + "making it a viewer would leave nobody to manage the gateway; make another admin first");
        assertThat(store.admins().disable("vera", "admin", null).enabled()).as("a viewer is no admin").isFalse();

        store.admins().create("bob", "h", AdminRole.ADMIN, false, "admin", null);
        store.admins().disable("bob", "admin", null);
        assertFails(() -> store.admins().disable("admin", "admin", null), KeyStoreException.Reason.CONFLICT,
                last + "disabling it would leave nobody to manage the gateway; make another admin first");
        store.admins().enable("bob", "admin", null);
        assertThat(store.admins().setRole("admin", AdminRole.VIEWER, "bob", null).role()).isEqualTo(AdminRole.VIEWER);
        assertFails(() -> store.admins().disable("bob", "bob", null), KeyStoreException.Reason.CONFLICT,
                "admin user 'bob' is the last enabled admin: disabling it would leave nobody to manage the gateway;"
                        + " make another admin first");
        assertThat(store.admins().list()).filteredOn(u -> u.enabled() && u.role() == AdminRole.ADMIN)
                .extracting(AdminUser::name).containsExactly("bob");
    }

    /**
     * Two admins, each taken out by another thread at the same moment (one disabled, one demoted,
     * or both disabled): one change wins, the other is refused, and one admin is left. Run often,
     * since a race that is only possible is not lost every time.
     */
    @Test
    @Timeout(120)
    void twoConcurrentChangesCannotBothTakeOutTheLastTwoAdmins() throws Exception {
        store.admins().create("admin", "h", AdminRole.ADMIN, false, "setup", null);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                String a = "a" + round;
                String b = "b" + round;
                store.admins().create(a, "h", AdminRole.ADMIN, false, "setup", null);
                store.admins().create(b, "h", AdminRole.ADMIN, false, "setup", null);
                store.admins().disable("admin", "setup", null);
                boolean demote = round % 2 == 0;
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<String>> outcomes = new ArrayList<>();
                outcomes.add(threads.submit(() -> attempt(start, () -> store.admins().disable(a, b, null))));
                outcomes.add(threads.submit(() -> attempt(start, () -> demote
                        ? store.admins().setRole(b, AdminRole.VIEWER, a, null) : store.admins().disable(b, a, null))));
                List<String> results = new ArrayList<>();
                for (Future<String> f : outcomes) {
                    results.add(f.get(60, TimeUnit.SECONDS));
                }
                assertThat(results).as("round %d", round).containsExactlyInAnyOrder("done", "CONFLICT");
                assertThat(store.admins().list()).as("round %d", round)
                        .filteredOn(u -> u.enabled() && u.role() == AdminRole.ADMIN).hasSize(1);
                store.admins().enable("admin", "setup", null);
                for (String left : List.of(a, b)) {
                    if (store.admins().find(left).orElseThrow().role() == AdminRole.ADMIN) {
                        store.admins().setRole(left, AdminRole.VIEWER, "setup", null);
                    }
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static String attempt(CyclicBarrier start, Supplier<AdminUser> change) throws Exception {
        start.await(30, TimeUnit.SECONDS);
        try {
            change.get();
            return "done";
        } catch (KeyStoreException e) {
            return e.reason().name();
        }
    }
}
