package org.edgegateway.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The enrolled clients of a {@link KeyStore}: the sensors' keys, their state (active, pending,
 * quarantined, revoked), their rate limits and when each was last seen. Every change is audited in
 * the same transaction; last-seen times are bookkeeping and write no audit row. Thread-safe.
 */
public final class Clients {

    private static final int MAX_REASON = 500;
    /** The largest page of clients read at once. */
    public static final int MAX_PAGE = 500;
    static final String COLUMNS = "id, name, public_key, status, enrolled_at, enrolled_by,"
            + " revoked_at, last_seen, msg_rate, msg_burst, byte_rate, quarantine_reason,"
            + " quarantined_at, quarantine_until, quarantined_by";

    private final Database db;
    private final AtomicLong changes = new AtomicLong();

    Clients(Database db) {
        this.db = db;
    }

    /**
     * A counter that moves whenever a change to the clients (enrol, revoke, quarantine, release,
     * limits, approval, enrolment on a claim) is committed through this store; a key cache reloads
     * when it has moved. Last-seen updates do not move it.
     */
    public long changes() {
        return changes.get();
    }

    /** Moves {@link #changes()}: a change to the clients was committed (by {@link Claims} too). */
    void changed() {
        changes.incrementAndGet();
    }

    /**
     * Enrols a client with its CURVE public key.
     *
     * @throws KeyStoreException DUPLICATE_NAME or DUPLICATE_KEY naming the client that has it;
     *                           INVALID for a bad name or key
     */
    public ClientRecord enrol(String name, String publicKeyZ85, String actor, String source) {
        StoreArgs.requireName("client name", name);
        StoreArgs.requireKey(name, publicKeyZ85);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        boolean workers = db.schemaVersion() >= WorkerKeys.SINCE;
        Database.Check free = c -> checkNew(c, name, publicKeyZ85, workers);
        ClientRecord record = db.insertUnique("enrol client '" + name + "'", free, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients"
                    + " (name, public_key, status, enrolled_at, enrolled_by) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, publicKeyZ85);
                ps.setString(3, ClientStatus.ACTIVE.name());
                Database.setInstant(ps, 4, now);
                ps.setString(5, actor);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.CLIENT_ENROL, name, "key " + publicKeyZ85, source);
            return select(c, "name", name, false).orElseThrow();
        });
        changed();
        return record;
    }

    /**
     * Enrols many clients in one transaction, each with the audit row {@link #enrol} writes: all of
     * them or, when a name or key is bad or taken (or given twice), none, the exception naming the
     * first at fault. For imports, and for tests that need thousands of clients in the real store.
     *
     * @param publicKeysByName each new client's Z85 public key by its name
     * @return how many were enrolled
     */
    public int enrolAll(Map<String, String> publicKeysByName, String actor, String source) {
        StoreArgs.requireActor(actor, source);
        Map<String, String> batch = new LinkedHashMap<>(publicKeysByName);
        Map<String, String> nameByKey = new HashMap<>();
        batch.forEach((name, key) -> {
            StoreArgs.requireName("client name", name);
            StoreArgs.requireKey(name, key);
            String other = nameByKey.putIfAbsent(key, name);
            if (other != null) {
                throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_KEY,
                        "public key " + key + " is given twice, for clients '" + other + "' and '" + name + "'");
            }
        });
        if (batch.isEmpty()) {
            return 0;
        }
        Instant now = db.now();
        boolean workers = db.schemaVersion() >= WorkerKeys.SINCE;
        Database.Check free = c -> {
            for (Map.Entry<String, String> e : batch.entrySet()) {
                checkNew(c, e.getKey(), e.getValue(), workers);
            }
        };
        db.insertUnique("enrol " + batch.size() + " clients", free, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients"
                    + " (name, public_key, status, enrolled_at, enrolled_by) VALUES (?, ?, ?, ?, ?)");
                 PreparedStatement audit = AuditLog.prepareInsert(c)) {
                for (Map.Entry<String, String> e : batch.entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue());
                    ps.setString(3, ClientStatus.ACTIVE.name());
                    Database.setInstant(ps, 4, now);
                    ps.setString(5, actor);
                    ps.addBatch();
                    AuditLog.bindInsert(audit, now, actor, AuditActions.CLIENT_ENROL, e.getKey(), "key " + e.getValue(),
                            source);
                    audit.addBatch();
                }
                ps.executeBatch();
                audit.executeBatch();
            }
            return null;
        });
        changed();
        return batch.size();
    }

    private static void checkNew(Connection c, String name, String key, boolean workers) throws SQLException {
        if (select(c, "name", name, false).isPresent()) {
            throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_NAME,
                    "a client named '" + name + "' is already enrolled");
        }
        Optional<ClientRecord> holder = select(c, "public_key", key, false);
        if (holder.isPresent()) {
            throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_KEY,
                    "public key " + key + " is already enrolled as client '" + holder.get().name() + "'");
        }
        if (workers) {
            WorkerKeys.refuseWorkerKey(c, key);
        }
    }

    /**
     * Approves a client that enrolled itself on a claim and waits, pending: it is active from now on.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID when it is not pending
     */
    public ClientRecord approve(String name, String actor, String source) {
        return decidePending(name, true, actor, source);
    }

    /**
     * Rejects a client that waits, pending: its key is revoked for good and its name stays taken, so
     * neither can enrol again. Audited as {@code client.reject}.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID when it is not pending
     */
    public ClientRecord reject(String name, String actor, String source) {
        return decidePending(name, false, actor, source);
    }

    private ClientRecord decidePending(String name, boolean approve, String actor, String source) {
        StoreArgs.requireName("client name", name);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        return change((approve ? "approve" : "reject") + " client '" + name + "'", name, (c, current) -> {
            if (current.status() != ClientStatus.PENDING) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID, "client '" + name
                        + "' is not pending approval (it is " + current.status().label() + ")");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET status = ?, revoked_at = ? WHERE id = ?")) {
                ps.setString(1, (approve ? ClientStatus.ACTIVE : ClientStatus.REVOKED).name());
                Database.setInstant(ps, 2, approve ? null : now);
                ps.setLong(3, current.id());
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, approve ? AuditActions.CLIENT_APPROVE : AuditActions.CLIENT_REJECT, name,
                    "key " + current.publicKey(), source);
        });
    }

    /**
     * Revokes a client for good: its key no longer authenticates.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID if it is already revoked
     */
    public ClientRecord revoke(String name, String actor, String source) {
        StoreArgs.requireName("client name", name);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        return change("revoke client '" + name + "'", name, (c, current) -> {
            if (current.status() == ClientStatus.REVOKED) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID, "client '" + name
                        + "' is already revoked (since " + current.revokedAt() + ")");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET status = ?, revoked_at = ?,"
                    + " quarantine_reason = NULL, quarantined_at = NULL, quarantine_until = NULL, quarantined_by = NULL WHERE id = ?")) {
                ps.setString(1, ClientStatus.REVOKED.name());
                Database.setInstant(ps, 2, now);
                ps.setLong(3, current.id());
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.CLIENT_REVOKE, name,
                    "key " + current.publicKey() + ", was " + current.status().label(), source);
        });
    }

    /**
     * Quarantines a client until {@code until} ({@code null}: until released). A quarantined
     * client may be quarantined again, which replaces the reason and the end.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID if it is revoked, the reason is blank or
     *                           {@code until} is not in the future
     */
    public ClientRecord quarantine(String name, String reason, Instant until, String actor, String source) {
        StoreArgs.requireName("client name", name);
        StoreArgs.requireText("quarantine reason", reason, MAX_REASON, true);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        Instant end = until == null ? null : until.truncatedTo(ChronoUnit.MICROS);
        if (end != null && !end.isAfter(now)) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "quarantine end " + until + " for client '" + name + "' is not after now (" + now + ")");
        }
        return change("quarantine client '" + name + "'", name, (c, current) -> {
            if (current.status() == ClientStatus.REVOKED) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "client '" + name + "' is revoked; a revoked client cannot be quarantined");
            }
            if (current.status() == ClientStatus.PENDING) {
                // A release would make it active without an approval.
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "client '" + name + "' is pending approval; approve or reject it");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET status = ?,"
                    + " quarantine_reason = ?, quarantined_at = ?, quarantine_until = ?, quarantined_by = ? WHERE id = ?")) {
                ps.setString(1, ClientStatus.QUARANTINED.name());
                ps.setString(2, reason);
                Database.setInstant(ps, 3, now);
                Database.setInstant(ps, 4, end);
                ps.setString(5, actor);
                ps.setLong(6, current.id());
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.CLIENT_QUARANTINE, name,
                    (end == null ? "until released" : "until " + end) + ": " + reason, source);
        });
    }

    /**
     * Ends a client's quarantine (whether or not its end time has passed).
     *
     * @throws KeyStoreException NOT_FOUND; INVALID if it is not quarantined
     */
    public ClientRecord release(String name, String actor, String source) {
        StoreArgs.requireName("client name", name);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        return change("release client '" + name + "'", name, (c, current) -> {
            if (current.status() != ClientStatus.QUARANTINED) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "client '" + name + "' is not quarantined (it is " + current.status().label() + ")");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET status = ?,"
                    + " quarantine_reason = NULL, quarantined_at = NULL, quarantine_until = NULL, quarantined_by = NULL WHERE id = ?")) {
                ps.setString(1, ClientStatus.ACTIVE.name());
                ps.setLong(2, current.id());
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.CLIENT_RELEASE, name,
                    "was quarantined since " + current.quarantinedAt() + ": " + current.quarantineReason(),
                    source);
        });
    }

    /**
     * Sets a client's rate limits; {@code null} or {@link ClientLimits#DEFAULTS} returns it to
     * the gateway's defaults.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID if it is revoked
     */
    public ClientRecord setLimits(String name, ClientLimits limits, String actor, String source) {
        StoreArgs.requireName("client name", name);
        StoreArgs.requireActor(actor, source);
        ClientLimits l = limits == null ? ClientLimits.DEFAULTS : limits;
        Instant now = db.now();
        return change("set limits of client '" + name + "'", name, (c, current) -> {
            if (current.status() == ClientStatus.REVOKED) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "client '" + name + "' is revoked; its limits cannot be changed");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE clients SET msg_rate = ?, msg_burst = ?, byte_rate = ? WHERE id = ?")) {
                ps.setObject(1, l.messagesPerSecond(), Types.DOUBLE);
                ps.setObject(2, l.burst(), Types.INTEGER);
                ps.setObject(3, l.bytesPerSecond(), Types.BIGINT);
                ps.setLong(4, current.id());
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.CLIENT_LIMITS, name, describeLimits(l), source);
        });
    }

    private static String describeLimits(ClientLimits l) {
        return "messagesPerSecond=" + orDefault(l.messagesPerSecond()) + ", burst=" + orDefault(l.burst())
                + ", bytesPerSecond=" + orDefault(l.bytesPerSecond());
    }

    private static String orDefault(Object v) {
        return v == null ? "default" : v.toString();
    }

    @FunctionalInterface
    private interface Change {
        void apply(Connection c, ClientRecord current) throws SQLException;
    }

    /** Locks the client's row, applies {@code change}, returns the row as committed. */
    private ClientRecord change(String what, String name, Change change) {
        ClientRecord r = db.inTransaction(what, c -> {
            ClientRecord current = select(c, "name", name, true).orElseThrow(() -> notFound(name));
            change.apply(c, current);
            return select(c, "name", name, false).orElseThrow();
        });
        changed();
        return r;
    }

    private static KeyStoreException notFound(String name) {
        return new KeyStoreException(KeyStoreException.Reason.NOT_FOUND, "no client named '" + name + "'");
    }

    /** The client named {@code name}; empty for an unknown or malformed name. */
    public Optional<ClientRecord> findByName(String name) {
        if (!ClientNames.isValid(name)) {
            return Optional.empty();
        }
        return db.query("find client '" + name + "'", c -> select(c, "name", name, false));
    }

    /** The client whose public key is {@code z85}; empty for an unknown or malformed key. */
    public Optional<ClientRecord> findByKey(String z85) {
        if (!Z85.isValidKey(z85)) {
            return Optional.empty();
        }
        return db.query("find client by key", c -> select(c, "public_key", z85, false));
    }

    /** Every client, revoked ones included, ordered by name. */
    public List<ClientRecord> list() {
        return db.list("list clients", "SELECT " + COLUMNS + " FROM clients ORDER BY name", Clients::row);
    }

    /**
     * One page of the clients {@code filter} holds, in {@code order} (ties by name), and how many it
     * holds: the database reads the page's rows only.
     *
     * @param offset how many clients of the order to skip, 0 or more
     * @param limit  the page's size, 1 to {@value #MAX_PAGE}
     * @throws KeyStoreException INVALID for a bad offset or limit
     */
    public Page page(ClientFilter filter, ClientOrder order, boolean descending, int offset, int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "a page of clients needs offset 0 or more"
                    + " and limit 1 to " + MAX_PAGE + ", got offset " + offset + " and limit " + limit);
        }
        ClientFilter f = filter == null ? ClientFilter.ALL : filter;
        ClientOrder o = order == null ? ClientOrder.NAME : order;
        return db.query("list clients", c -> ClientSearch.page(c, f, o, descending, offset, limit));
    }

    /** The names of every client {@code filter} holds, by name (for an order the store does not keep). */
    public List<String> names(ClientFilter filter) {
        return db.query("list client names", c -> ClientSearch.names(c, filter == null ? ClientFilter.ALL : filter));
    }

    /**
     * The clients named in {@code names} (at most {@value #MAX_PAGE}; unknown names are left out), by name.
     *
     * @throws KeyStoreException INVALID for more names than a page holds
     */
    public List<ClientRecord> byNames(Collection<String> names) {
        if (names.size() > MAX_PAGE) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "at most " + MAX_PAGE + " clients are read by name at once, got " + names.size());
        }
        return db.query("read clients by name", c -> ClientSearch.byNames(c, names));
    }

    /**
     * A page of clients and how many the filter holds in all.
     *
     * @param clients the page's clients, in the order asked for
     * @param total   every client the filter holds, this page's and the others'
     */
    public record Page(List<ClientRecord> clients, int total) {
        public Page {
            clients = List.copyOf(clients);
        }
    }

    /**
     * Records when clients were last seen, in one transaction and without audit rows. Unknown
     * names and times older than the stored one are ignored.
     */
    public void touchLastSeen(Map<String, Instant> lastSeenByName) {
        if (lastSeenByName == null || lastSeenByName.isEmpty()) {
            return;
        }
        db.inTransaction("update last-seen times", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET last_seen = ?"
                    + " WHERE name = ? AND (last_seen IS NULL OR last_seen < ?)")) {
                for (Map.Entry<String, Instant> e : lastSeenByName.entrySet()) {
                    if (e.getKey() == null || e.getValue() == null) {
                        continue;
                    }
                    Instant at = e.getValue().truncatedTo(ChronoUnit.MICROS);
                    Database.setInstant(ps, 1, at);
                    ps.setString(2, e.getKey());
                    Database.setInstant(ps, 3, at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** The client whose {@code column} ({@code name} or {@code public_key}) is {@code value}, on {@code c}. */
    static Optional<ClientRecord> select(Connection c, String column, String value, boolean forUpdate)
            throws SQLException {
        return Database.selectOne(c, "SELECT " + COLUMNS + " FROM clients WHERE " + column + " = ?"
                + (forUpdate ? " FOR UPDATE" : ""), value, Clients::row);
    }

    static ClientRecord row(ResultSet rs) throws SQLException {
        double rate = rs.getDouble(9);
        Double msgRate = rs.wasNull() ? null : rate;
        int burst = rs.getInt(10);
        Integer msgBurst = rs.wasNull() ? null : burst;
        long bytes = rs.getLong(11);
        Long byteRate = rs.wasNull() ? null : bytes;
        return new ClientRecord(rs.getLong(1), rs.getString(2), rs.getString(3),
                ClientStatus.valueOf(rs.getString(4)), Database.instant(rs, 5), rs.getString(6),
                Database.instant(rs, 7), Database.instant(rs, 8), new ClientLimits(msgRate, msgBurst, byteRate),
                rs.getString(12), Database.instant(rs, 13), Database.instant(rs, 14), rs.getString(15));
    }
}
