package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.keys.StoreFixture.assertFails;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdminUsersTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00.123456789Z");

    @RegisterExtension
    final StoreFixture fx = new StoreFixture(T0);
    private final MutableClock clock = fx.clock();
    private final KeyStore store = fx.store();

    @Test
    void adminUsers() {
        AdminUser u = store.admins().create("admin", "hash1", true, "setup", "cli");
        assertThat(u.mustChangePassword()).isTrue();
        assertThat(u.createdAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
        assertThat(u.passwordChangedAt()).isNull();
        assertThat(u.toString()).doesNotContain("hash1");
        assertFails(() -> store.admins().create("admin", "h", false, "setup", null),
                KeyStoreException.Reason.DUPLICATE_NAME, "an admin user named 'admin' already exists");

        clock.advance(Duration.ofHours(1));
        store.admins().updatePassword("admin", "hash2", false, "admin", "10.0.0.2");
        AdminUser changed = store.admins().find("admin").orElseThrow();
        assertThat(changed.passwordHash()).isEqualTo("hash2");
        assertThat(changed.mustChangePassword()).isFalse();
        assertThat(changed.passwordChangedAt()).isEqualTo(Instant.parse("2025-06-01T11:00:00.123456Z"));
        assertFails(() -> store.admins().updatePassword("ghost", "h", false, "admin", null),
                KeyStoreException.Reason.NOT_FOUND, "no admin user named 'ghost'");

        store.admins().create("aaron", "h", false, "admin", null);
        assertThat(store.admins().list()).extracting(AdminUser::name).containsExactly("aaron", "admin");
        assertThat(store.admins().find("nobody")).isEmpty();
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).extracting(AuditEntry::action).containsExactly(
                AuditActions.ADMIN_CREATE, AuditActions.ADMIN_PASSWORD, AuditActions.ADMIN_CREATE);
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).allSatisfy(
                e -> assertThat(String.valueOf(e.detail())).doesNotContain("hash"));
    }
}
