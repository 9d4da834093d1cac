package org.edgegateway.core;

import java.util.List;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminUserView;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.KeyStore;

/**
 * The admin-user actions of the admin service, the same for a running gateway and a stopped one:
 * each a key store change with its audit row. Nothing else has to act on a running gateway: its
 * admin sessions look at their account again when the store's admin users change. Stateless.
 */
final class AdminAccounts {

    private AdminAccounts() {
    }

    static List<AdminUserView> list(KeyStore store) {
        return GatewayAdmin.call(() -> store.admins().list()).stream().map(AdminUserView::of).toList();
    }

    /** A new admin user whose password (as its hash) must be changed at the first login: whoever made it knows it. */
    static AdminUserView create(KeyStore store, String name, AdminRole role, String passwordHash, Actor actor) {
        return AdminUserView.of(GatewayAdmin.call(() -> store.admins().create(name, passwordHash, role, true,
                actor.name(), actor.source())));
    }

    static AdminUserView disable(KeyStore store, String name, Actor actor) {
        return AdminUserView.of(GatewayAdmin.call(() -> store.admins().disable(name, actor.name(), actor.source())));
    }

    static AdminUserView enable(KeyStore store, String name, Actor actor) {
        return AdminUserView.of(GatewayAdmin.call(() -> store.admins().enable(name, actor.name(), actor.source())));
    }

    static AdminUserView resetPassword(KeyStore store, String name, String passwordHash, Actor actor) {
        return AdminUserView.of(GatewayAdmin.call(() -> store.admins().resetPassword(name, passwordHash, actor.name(),
                actor.source())));
    }

    static AdminUserView setRole(KeyStore store, String name, AdminRole role, Actor actor) {
        return AdminUserView.of(GatewayAdmin.call(() -> store.admins().setRole(name, role, actor.name(),
                actor.source())));
    }
}
