package org.edgegateway.core;

import java.util.List;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.AdminUserView;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.keys.KeyStore;

/**
 * The admin-user part of {@link AdminService}, which the key store serves alone: the same whether the
 * gateway runs ({@link GatewayAdmin}) or not ({@link OfflineAdmin}).
 */
interface StoreAdmins extends AdminService {

    /** The key store the admin users live in. */
    KeyStore keyStore();

    @Override
    default List<AdminUserView> adminUsers() {
        return AdminAccounts.list(keyStore());
    }

    @Override
    default AdminUserView createAdminUser(String name, AdminRole role, String passwordHash, Actor actor) {
        return AdminAccounts.create(keyStore(), name, role, passwordHash, actor);
    }

    @Override
    default AdminUserView disableAdminUser(String name, Actor actor) {
        return AdminAccounts.disable(keyStore(), name, actor);
    }

    @Override
    default AdminUserView enableAdminUser(String name, Actor actor) {
        return AdminAccounts.enable(keyStore(), name, actor);
    }

    @Override
    default AdminUserView resetAdminPassword(String name, String passwordHash, Actor actor) {
        return AdminAccounts.resetPassword(keyStore(), name, passwordHash, actor);
    }

    @Override
    default AdminUserView setAdminRole(String name, AdminRole role, Actor actor) {
        return AdminAccounts.setRole(keyStore(), name, role, actor);
    }
}
