package org.edgegateway.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admin users of a {@link KeyStore}, who log in to the admin UI and API: each with a role
 * ({@link AdminRole}), enabled or disabled. Only password hashes are stored, computed by the caller.
 * Every change is audited in the same transaction; a login's time is written with its own audit row.
 * Thread-safe.
 *
 * <p>The store always keeps an enabled admin: disabling or demoting the last one is refused
 * (CONFLICT). Both changes first lock every admin user's row ({@code SELECT ... FOR UPDATE}) and only
 * then count the other enabled admins, so two of them run one after the other and the second counts
 * what the first committed. A count alone, or an {@code UPDATE ... WHERE EXISTS (another admin)},
 * would not do: under READ COMMITTED two transactions demoting the last two admins would each still
 * see the other as an admin, and both pass.
 */
public final class AdminUsers {

    private static final String COLUMNS = "name, password_hash, role, must_change_password, created_at,"
            + " password_changed_at, disabled_at, last_login_at";

    private final Database db;
    private final AtomicLong changes = new AtomicLong();

    AdminUsers(Database db) {
        this.db = db;
    }

    /**
     * A counter that moves whenever a change to the admin users (create, password, role, disable,
     * enable) is committed through this store, after the commit; the admin sessions look at the
     * account again when it has moved. A login does not move it.
     */
    public long changes() {
        return changes.get();
    }

    /**
     * Creates an admin user with {@code role}; {@code passwordHash} is computed by the caller.
     *
     * @throws KeyStoreException DUPLICATE_NAME if the user exists; INVALID for a bad name or hash, or no role
     */
    public AdminUser create(String name, String passwordHash, AdminRole role, boolean mustChange, String actor,
                            String source) {
        StoreArgs.requireName("admin user name", name);
        StoreArgs.requireText("password hash", passwordHash, StoreArgs.MAX_HASH, true);
        StoreArgs.requireActor(actor, source);
        if (role == null) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "role of admin user '" + name + "' is missing");
        }
        Instant now = db.now();
        AdminUser made = db.insertUnique("create admin user '" + name + "'", c -> {
            if (select(c, name, false).isPresent()) {
                throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_NAME,
                        "an admin user named '" + name + "' already exists");
            }
        }, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO admin_users"
                    + " (name, password_hash, role, must_change_password, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, passwordHash);
                ps.setString(3, role.label());
                ps.setBoolean(4, mustChange);
                Database.setInstant(ps, 5, now);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.ADMIN_CREATE, name,
                    "role " + role.label() + (mustChange ? ", must change password" : ""), source);
            return select(c, name, false).orElseThrow();
        });
        changes.incrementAndGet();
        return made;
    }

    /** The admin user named {@code name}; empty for an unknown or malformed name. */
    public Optional<AdminUser> find(String name) {
        if (!ClientNames.isValid(name)) {
            return Optional.empty();
        }
        return db.query("find admin user '" + name + "'", c -> select(c, name, false));
    }

    /** Every admin user, disabled ones included, ordered by name. */
    public List<AdminUser> list() {
        return db.list("list admin users", "SELECT " + COLUMNS + " FROM admin_users ORDER BY name", AdminUsers::row);
    }

    /**
     * Sets an admin user's password hash and whether it must be changed at next login (the user's
     * own change). Audited as {@code admin.password}.
     *
     * @throws KeyStoreException NOT_FOUND
     */
    public AdminUser updatePassword(String name, String passwordHash, boolean mustChange, String actor, String source) {
        return setPassword(name, passwordHash, mustChange, AuditActions.ADMIN_PASSWORD, actor, source);
    }

    /**
     * Gives an admin user a new password hash that must be changed at the next login (another
     * admin's reset, of a forgotten password or a leaked one). Audited as {@code admin.reset}.
     *
     * @throws KeyStoreException NOT_FOUND
     */
    public AdminUser resetPassword(String name, String passwordHash, String actor, String source) {
        return setPassword(name, passwordHash, true, AuditActions.ADMIN_RESET, actor, source);
    }

    private AdminUser setPassword(String name, String passwordHash, boolean mustChange, String action, String actor,
                                  String source) {
        StoreArgs.requireName("admin user name", name);
        StoreArgs.requireText("password hash", passwordHash, StoreArgs.MAX_HASH, true);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        return change("change password of admin user '" + name + "'", c -> {
            existing(c, name, true);
            try (PreparedStatement ps = c.prepareStatement("UPDATE admin_users SET password_hash = ?,"
                    + " must_change_password = ?, password_changed_at = ? WHERE name = ?")) {
                ps.setString(1, passwordHash);
                ps.setBoolean(2, mustChange);
                Database.setInstant(ps, 3, now);
                ps.setString(4, name);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, action, name, mustChange ? "must change password" : null, source);
            return select(c, name, false).orElseThrow();
        });
    }

    /**
     * Gives an admin user another role. Audited as {@code admin.role}.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID when it has that role already; CONFLICT when it is
     *                           the last enabled admin and {@code role} is not admin
     */
    public AdminUser setRole(String name, AdminRole role, String actor, String source) {
        StoreArgs.requireName("admin user name", name);
        StoreArgs.requireActor(actor, source);
        if (role == null) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "new role of admin user '" + name + "' is missing");
        }
        Instant now = db.now();
        return change("change the role of admin user '" + name + "'", c -> {
            lockAll(c);
            AdminUser u = existing(c, name, false);
            if (u.role() == role) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "admin user '" + name + "' has role " + role.label() + " already");
            }
            if (u.role() == AdminRole.ADMIN && u.enabled()) {
                requireAnotherAdmin(c, name, "making it a " + role.label());
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE admin_users SET role = ? WHERE name = ?")) {
                ps.setString(1, role.label());
                ps.setString(2, name);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.ADMIN_ROLE, name,
                    "role " + role.label() + " (was " + u.role().label() + ")", source);
            return select(c, name, false).orElseThrow();
        });
    }

    /**
     * Disables an admin user: it cannot log in until enabled again. Ending its sessions is the
     * caller's (they watch {@link #changes()}). Audited as {@code admin.disable}.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID when it is disabled already; CONFLICT when it is
     *                           the last enabled admin
     */
    public AdminUser disable(String name, String actor, String source) {
        return setEnabled(name, false, actor, source);
    }

    /**
     * Enables a disabled admin user again, with the password and role it had. Audited as
     * {@code admin.enable}.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID when it is enabled
     */
    public AdminUser enable(String name, String actor, String source) {
        return setEnabled(name, true, actor, source);
    }

    private AdminUser setEnabled(String name, boolean enabled, String actor, String source) {
        StoreArgs.requireName("admin user name", name);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        return change((enabled ? "enable" : "disable") + " admin user '" + name + "'", c -> {
            lockAll(c);
            AdminUser u = existing(c, name, false);
            if (u.enabled() == enabled) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID, "admin user '" + name + "' is "
                        + (enabled ? "enabled" : "disabled already (since " + u.disabledAt() + ")"));
            }
            if (!enabled && u.role() == AdminRole.ADMIN) {
                requireAnotherAdmin(c, name, "disabling it");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE admin_users SET disabled_at = ? WHERE name = ?")) {
                Database.setInstant(ps, 1, enabled ? null : now);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, enabled ? AuditActions.ADMIN_ENABLE : AuditActions.ADMIN_DISABLE, name, null,
                    source);
            return select(c, name, false).orElseThrow();
        });
    }

    /**
     * Records that {@code name} logged in from {@code source}: its last login time and the
     * {@code admin.login} audit row, in one transaction.
     */
    public void recordLogin(String name, String source) {
        StoreArgs.requireName("admin user name", name);
        StoreArgs.requireActor(name, source);
        Instant now = db.now();
        db.inTransaction("record the login of admin user '" + name + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE admin_users SET last_login_at = ? WHERE name = ?")) {
                Database.setInstant(ps, 1, now);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, name, AuditActions.ADMIN_LOGIN, name, null, source);
            return null;
        });
    }

    /** Runs a change in one transaction and, once it committed, moves {@link #changes()}. */
    private <T> T change(String what, Database.Work<T> work) {
        T result = db.inTransaction(what, work);
        changes.incrementAndGet();
        return result;
    }

    /** Locks every admin user's row until the transaction ends, in the order of the primary key. */
    private static void lockAll(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM admin_users ORDER BY name FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                // each row read is locked
            }
        }
    }

    /** Refuses (CONFLICT) {@code change} to {@code name} when no other enabled admin would be left; after {@link #lockAll}. */
    private static void requireAnotherAdmin(Connection c, String name, String change) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM admin_users"
                + " WHERE role = ? AND disabled_at IS NULL AND name <> ?")) {
            ps.setString(1, AdminRole.ADMIN.label());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw new KeyStoreException(KeyStoreException.Reason.CONFLICT, "admin user '" + name
                            + "' is the last enabled admin: " + change + " would leave nobody to manage the gateway;"
                            + " make another admin first");
                }
            }
        }
    }

    private static AdminUser existing(Connection c, String name, boolean forUpdate) throws SQLException {
        return select(c, name, forUpdate).orElseThrow(() -> new KeyStoreException(KeyStoreException.Reason.NOT_FOUND,
                "no admin user named '" + name + "'"));
    }

    private static Optional<AdminUser> select(Connection c, String name, boolean forUpdate) throws SQLException {
        return Database.selectOne(c, "SELECT " + COLUMNS + " FROM admin_users WHERE name = ?"
                + (forUpdate ? " FOR UPDATE" : ""), name, AdminUsers::row);
    }

    private static AdminUser row(ResultSet rs) throws SQLException {
        return new AdminUser(rs.getString(1), rs.getString(2), AdminRole.parse(rs.getString(3)), rs.getBoolean(4),
                Database.instant(rs, 5), Database.instant(rs, 6), Database.instant(rs, 7), Database.instant(rs, 8));
    }
}
