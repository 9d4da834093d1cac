package org.edgegateway.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The admin users of a {@link KeyStore}, who log in to the admin UI and API. Only password hashes
 * are stored, computed by the caller. Every change is audited in the same transaction. Thread-safe.
 */
public final class AdminUsers {

    private static final String COLUMNS = "name, password_hash, must_change_password, created_at, password_changed_at";

    private final Database db;

    AdminUsers(Database db) {
        this.db = db;
    }

    /**
     * Creates an admin user; {@code passwordHash} is computed by the caller.
     *
     * @throws KeyStoreException DUPLICATE_NAME if the user exists; INVALID for a bad name or hash
     */
    public AdminUser create(String name, String passwordHash, boolean mustChange, String actor, String source) {
        StoreArgs.requireName("admin user name", name);
        StoreArgs.requireText("password hash", passwordHash, StoreArgs.MAX_HASH, true);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        try {
            return db.inTransaction("create admin user '" + name + "'", c -> {
                if (select(c, name, false).isPresent()) {
                    throw duplicate(name);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO admin_users"
                        + " (name, password_hash, must_change_password, created_at) VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, name);
                    ps.setString(2, passwordHash);
                    ps.setBoolean(3, mustChange);
                    Database.setInstant(ps, 4, now);
                    ps.executeUpdate();
                }
                AuditLog.insert(c, now, actor, AuditActions.ADMIN_CREATE, name,
                        mustChange ? "must change password" : null, source);
                return select(c, name, false).orElseThrow();
            });
        } catch (KeyStoreException e) {
            throw Database.isUniqueViolation(e) ? duplicate(name) : e;
        }
    }

    private static KeyStoreException duplicate(String name) {
        return new KeyStoreException(KeyStoreException.Reason.DUPLICATE_NAME,
                "an admin user named '" + name + "' already exists");
    }

    /** The admin user named {@code name}; empty for an unknown or malformed name. */
    public Optional<AdminUser> find(String name) {
        if (!ClientNames.isValid(name)) {
            return Optional.empty();
        }
        return db.query("find admin user '" + name + "'", c -> select(c, name, false));
    }

    /**
     * Sets an admin user's password hash and whether it must be changed at next login.
     *
     * @throws KeyStoreException NOT_FOUND
     */
    public void updatePassword(String name, String passwordHash, boolean mustChange, String actor, String source) {
        StoreArgs.requireName("admin user name", name);
        StoreArgs.requireText("password hash", passwordHash, StoreArgs.MAX_HASH, true);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        db.inTransaction("change password of admin user '" + name + "'", c -> {
            if (select(c, name, true).isEmpty()) {
                throw new KeyStoreException(KeyStoreException.Reason.NOT_FOUND,
                        "no admin user named '" + name + "'");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE admin_users SET password_hash = ?,"
                    + " must_change_password = ?, password_changed_at = ? WHERE name = ?")) {
                ps.setString(1, passwordHash);
                ps.setBoolean(2, mustChange);
                Database.setInstant(ps, 3, now);
                ps.setString(4, name);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.ADMIN_PASSWORD, name,
                    mustChange ? "must change password" : null, source);
            return null;
        });
    }

    /** Every admin user, ordered by name. */
    public List<AdminUser> list() {
        return db.list("list admin users", "SELECT " + COLUMNS + " FROM admin_users ORDER BY name", AdminUsers::row);
    }

    private static Optional<AdminUser> select(Connection c, String name, boolean forUpdate) throws SQLException {
        return Database.selectOne(c, "SELECT " + COLUMNS + " FROM admin_users WHERE name = ?"
                + (forUpdate ? " FOR UPDATE" : ""), name, AdminUsers::row);
    }

    private static AdminUser row(ResultSet rs) throws SQLException {
        return new AdminUser(rs.getString(1), rs.getString(2), rs.getBoolean(3), Database.instant(rs, 4),
                Database.instant(rs, 5));
    }
}
