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
 * The worker keys of a {@link KeyStore}: enrolled, listed and revoked apart from client keys, in their
 * own table. A key is enrolled either as a client or as a worker, never both, so a worker key cannot
 * pass the sensors' ports and a client key cannot pass the workers' port. Every change is audited in
 * the same transaction. Thread-safe.
 */
public final class WorkerKeys {
    /** The schema version that made the workers' table (a store opened at an older one has none). */
    static final int SINCE = 4;
    private static final String COLUMNS = "id, name, public_key, enrolled_at, enrolled_by, revoked_at";

    private final Database db;
    private final AtomicLong changes = new AtomicLong();

    WorkerKeys(Database db) {
        this.db = db;
    }

    /** Grows after every change made through this store (the gateway reloads its worker keys then). */
    public long changes() {
        return changes.get();
    }

    /**
     * Enrols a worker key.
     *
     * @throws KeyStoreException DUPLICATE_NAME, DUPLICATE_KEY (naming the worker or client that has
     *                           it), INVALID for a bad name or key
     */
    public WorkerRecord enrol(String name, String publicKeyZ85, String actor, String source) {
        StoreArgs.requireName("worker name", name);
        StoreArgs.requireKey(name, publicKeyZ85);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        WorkerRecord r = db.insertUnique("enrol worker '" + name + "'", c -> checkNew(c, name, publicKeyZ85), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workers"
                    + " (name, public_key, status, enrolled_at, enrolled_by) VALUES (?, ?, 'ACTIVE', ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, publicKeyZ85);
                Database.setInstant(ps, 3, now);
                ps.setString(4, actor);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.WORKER_ENROL, name, "key " + publicKeyZ85, source);
            return select(c, "name", name, false).orElseThrow();
        });
        changes.incrementAndGet();
        return r;
    }

    /**
     * Revokes a worker key for good.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID when it is revoked already
     */
    public WorkerRecord revoke(String name, String actor, String source) {
        StoreArgs.requireName("worker name", name);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        WorkerRecord r = db.inTransaction("revoke worker '" + name + "'", c -> {
            WorkerRecord current = select(c, "name", name, true).orElseThrow(() -> new KeyStoreException(
                    KeyStoreException.Reason.NOT_FOUND, "no worker named '" + name + "'"));
            if (!current.active()) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "worker '" + name + "' is already revoked (since " + current.revokedAt() + ")");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE workers SET status = 'REVOKED', revoked_at = ? WHERE id = ?")) {
                Database.setInstant(ps, 1, now);
                ps.setLong(2, current.id());
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.WORKER_REVOKE, name, "key " + current.publicKey(), source);
            return select(c, "name", name, false).orElseThrow();
        });
        changes.incrementAndGet();
        return r;
    }

    /** Every worker key, revoked ones included, ordered by name. */
    public List<WorkerRecord> list() {
        return db.list("list workers", "SELECT " + COLUMNS + " FROM workers ORDER BY name", WorkerKeys::row);
    }

    /** The worker named {@code name}; empty for an unknown or malformed name. */
    public Optional<WorkerRecord> findByName(String name) {
        if (!ClientNames.isValid(name)) {
            return Optional.empty();
        }
        return db.query("find worker '" + name + "'", c -> select(c, "name", name, false));
    }

    private static void checkNew(Connection c, String name, String key) throws SQLException {
        if (select(c, "name", name, false).isPresent()) {
            throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_NAME,
                    "a worker named '" + name + "' is already enrolled");
        }
        refuseWorkerKey(c, key);
        Optional<ClientRecord> client = Clients.select(c, "public_key", key, false);
        if (client.isPresent()) {
            throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_KEY, "public key " + key
                    + " is enrolled as client '" + client.get().name() + "'; a worker needs a key of its own");
        }
    }

    /** Refuses {@code key} when a worker has it (also for enrolling a client with it). */
    static void refuseWorkerKey(Connection c, String key) throws SQLException {
        Optional<WorkerRecord> holder = select(c, "public_key", key, false);
        if (holder.isPresent()) {
            throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_KEY,
                    "public key " + key + " is already enrolled as worker '" + holder.get().name() + "'");
        }
    }

    private static Optional<WorkerRecord> select(Connection c, String column, String value, boolean forUpdate)
            throws SQLException {
        return Database.selectOne(c, "SELECT " + COLUMNS + " FROM workers WHERE " + column + " = ?"
                + (forUpdate ? " FOR UPDATE" : ""), value, WorkerKeys::row);
    }

    private static WorkerRecord row(ResultSet rs) throws SQLException {
        return new WorkerRecord(rs.getLong(1), rs.getString(2), rs.getString(3), Database.instant(rs, 4),
                rs.getString(5), Database.instant(rs, 6));
    }
}
