package org.edgegateway.keys;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.edgegateway.keys.Database.instant;
import static org.edgegateway.keys.Database.isUniqueViolation;
import static org.edgegateway.keys.Database.setInstant;
import static org.edgegateway.keys.StoreArgs.requireActor;
import static org.edgegateway.keys.StoreArgs.requireKey;
import static org.edgegateway.keys.StoreArgs.requireName;
import static org.edgegateway.keys.StoreArgs.requireText;

/**
 * The gateway's store of enrolled clients, admin users, API tokens and the audit log: thread-safe,
 * JDBC on an embedded H2 database. Every change is one transaction that includes its audit row, so
 * the log never misses a change and never records one that did not happen.
 *
 * <p>Durability: {@link #open} sets H2's {@code WRITE_DELAY} to 0 (and {@link #fileUrl(Path)}
 * says so too), so a transaction is in the database file when its commit returns and survives
 * the JVM being killed ({@code KeyStoreCrashTest} fails without it). H2 locks the file: a
 * second process opening the same store gets {@link KeyStoreException.Reason#STORAGE}
 * "... is in use by another process". No H2 server (TCP, web console, AUTO_SERVER) is started.
 *
 * <p>Schema: Flyway applies the migrations {@code db/migration/V1.sql}, {@code V2.sql}, ... at
 * {@link #open}, recording each with its checksum; an edited migration, a failed one (H2 cannot roll
 * DDL back, so it may be half applied) or one newer than the code makes {@link #open} refuse the
 * store, naming the copy it took before migrating. A new version is a new file: never edit one that
 * has shipped. Stores made before Flyway are baselined at the version they record (see
 * {@link Migrations}).
 *
 * <p>Times come from the {@link Clock} given to {@link #open(String, Clock)}, truncated to
 * microseconds (the precision of the columns), so a record read back equals the one returned.
 *
 * <p>SQL is portable (standard types, {@code SELECT ... FOR UPDATE}, JDBC {@code setMaxRows} for
 * paging); only {@link #backup} and {@link #restore} are H2-specific.
 */
public final class KeyStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyStore.class);

    /** Flyway's record of the migrations applied, with their checksums (see {@link Migrations}). */
    static final String HISTORY_TABLE = Migrations.HISTORY_TABLE;

    private static final int MAX_REASON = 500;

    private static final String CLIENT_COLUMNS = "id, name, public_key, status, enrolled_at, enrolled_by,"
            + " revoked_at, last_seen, msg_rate, msg_burst, byte_rate, quarantine_reason,"
            + " quarantined_at, quarantine_until, quarantined_by";

    private final Database db;
    private final String location;
    private final int schemaVersion;
    private final AtomicLong clientChanges = new AtomicLong();
    private final AuditLog audit;
    private final AdminUsers admins;
    private final ApiTokens tokens;
    private final WorkerKeys workers;
    private final Claims claims;

    private KeyStore(Database db) {
        this.db = db;
        this.location = db.location();
        this.schemaVersion = db.schemaVersion();
        this.audit = new AuditLog(db);
        this.admins = new AdminUsers(db);
        this.tokens = new ApiTokens(db);
        this.workers = new WorkerKeys(db);
        this.claims = new Claims(db, this);
    }

    // ================================================================== opening

    /**
     * The H2 URL of the key store kept in {@code dataDir/keystore.mv.db}, with the settings this
     * class relies on: commits written through at once ({@code WRITE_DELAY=0}) and a lock timeout
     * long enough for a batch of last-seen updates.
     */
    public static String fileUrl(Path dataDir) {
        return StoreUrls.fileUrl(dataDir);
    }

    /** Opens (creating and migrating as needed) the store at {@code jdbcUrl}, on the system UTC clock. */
    public static KeyStore open(String jdbcUrl) {
        return open(jdbcUrl, Clock.systemUTC());
    }

    /** Opens (creating and migrating as needed) the store at {@code jdbcUrl}, reading time from {@code clock}. */
    public static KeyStore open(String jdbcUrl, Clock clock) {
        return open(jdbcUrl, clock, Integer.MAX_VALUE);
    }

    /** Opens the store applying migrations up to {@code maxVersion} only (for migration tests). */
    static KeyStore open(String jdbcUrl, Clock clock, int maxVersion) {
        return open(jdbcUrl, clock, maxVersion == Integer.MAX_VALUE ? "latest" : Integer.toString(maxVersion), List.of());
    }

    /**
     * Opens the store applying the migrations up to {@code target} ({@code latest}, or a version) from
     * {@value Migrations#MIGRATIONS} and {@code extraLocations} (Flyway locations, for migration tests).
     */
    static KeyStore open(String jdbcUrl, Clock clock, String target, List<String> extraLocations) {
        return new KeyStore(Database.open(jdbcUrl, clock, target, extraLocations));
    }

    /**
     * Checks that {@code jdbcUrl} names an embedded H2 database file: {@code jdbc:h2:file:PATH} (or
     * {@code jdbc:h2:PATH}) with an absolute or {@code ~/} path and no H2 file-system prefix
     * ({@code zip:}, {@code nio:}, ...), plus only the settings {@code LOCK_TIMEOUT},
     * {@code WRITE_DELAY}, {@code CACHE_SIZE} and {@code MAX_COMPACT_TIME} with numeric values.
     * Everything else is refused: a server ({@code tcp:}, {@code ssl:}, {@code AUTO_SERVER} in any
     * spelling), an in-memory database, and settings such as {@code INIT} that run SQL or scripts
     * when the store opens. Other databases are for a later release, by name.
     *
     * @return the URL, unchanged
     * @throws KeyStoreException INVALID naming what is wrong (never echoing the settings' values)
     */
    public static String requireEmbeddedFileUrl(String jdbcUrl) {
        StoreUrls.check(jdbcUrl);
        return jdbcUrl;
    }

    // ================================================================== accessors

    /** The highest migration applied to this store. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** Where the store is, for messages (the file path of a file store). */
    public String location() {
        return location;
    }

    /** The audit log: every change the store makes is in it, with what callers append. */
    public AuditLog audit() {
        return audit;
    }

    /** The admin users of the UI and the API. */
    public AdminUsers admins() {
        return admins;
    }

    /** The API tokens, by their hashes. */
    public ApiTokens tokens() {
        return tokens;
    }

    /**
     * A counter that moves whenever a change to the clients (enrol, revoke, quarantine, release,
     * limits) is committed through this instance; a key cache reloads when it has moved.
     * Last-seen updates do not move it.
     */
    public long clientChanges() {
        return clientChanges.get();
    }

    // ================================================================== clients

    /**
     * Enrols a client with its CURVE public key.
     *
     * @throws KeyStoreException DUPLICATE_NAME or DUPLICATE_KEY naming the client that has it;
     *                           INVALID for a bad name or key
     */
    public ClientRecord enrol(String name, String publicKeyZ85, String actor, String source) {
        requireName("client name", name);
        requireKey(name, publicKeyZ85);
        requireActor(actor, source);
        Instant now = db.now();
        ClientRecord record;
        try {
            record = db.inTransaction("enrol client '" + name + "'", c -> {
                checkNewClient(c, name, publicKeyZ85, schemaVersion >= WorkerKeys.SINCE);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients"
                        + " (name, public_key, status, enrolled_at, enrolled_by) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, name);
                    ps.setString(2, publicKeyZ85);
                    ps.setString(3, ClientStatus.ACTIVE.name());
                    setInstant(ps, 4, now);
                    ps.setString(5, actor);
                    ps.executeUpdate();
                }
                AuditLog.insert(c, now, actor, AuditActions.CLIENT_ENROL, name, "key " + publicKeyZ85, source);
                return selectClient(c, "name", name, false).orElseThrow();
            });
        } catch (KeyStoreException e) {
            if (isUniqueViolation(e)) {
                // another transaction enrolled the same name or key between our check and insert
                db.query("enrol client '" + name + "'", c -> {
                    checkNewClient(c, name, publicKeyZ85, schemaVersion >= WorkerKeys.SINCE);
                    return null;
                });
            }
            throw e;
        }
        clientChanges.incrementAndGet();
        return record;
    }

    private static void checkNewClient(Connection c, String name, String key, boolean workers) throws SQLException {
        if (selectClient(c, "name", name, false).isPresent()) {
            throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_NAME,
                    "a client named '" + name + "' is already enrolled");
        }
        Optional<ClientRecord> holder = selectClient(c, "public_key", key, false);
        if (holder.isPresent()) {
            throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_KEY,
                    "public key " + key + " is already enrolled as client '" + holder.get().name() + "'");
        }
        if (workers) {
            WorkerKeys.refuseWorkerKey(c, key);
        }
    }

    /** The enrolment claims, on which sensors enrol their own keys. */
    public Claims claims() {
        return claims;
    }

    /** Moves {@link #clientChanges()}: a change to the clients was committed through this store. */
    void clientChanged() {
        clientChanges.incrementAndGet();
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
        requireName("client name", name);
        requireActor(actor, source);
        Instant now = db.now();
        return changeClient((approve ? "approve" : "reject") + " client '" + name + "'", name, (c, current) -> {
            if (current.status() != ClientStatus.PENDING) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID, "client '" + name
                        + "' is not pending approval (it is " + current.status().label() + ")");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET status = ?, revoked_at = ? WHERE id = ?")) {
                ps.setString(1, (approve ? ClientStatus.ACTIVE : ClientStatus.REVOKED).name());
                setInstant(ps, 2, approve ? null : now);
                ps.setLong(3, current.id());
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, approve ? AuditActions.CLIENT_APPROVE : AuditActions.CLIENT_REJECT, name,
                    "key " + current.publicKey(), source);
        });
    }

    /** The worker keys, kept apart from the clients' in the same store. */
    public WorkerKeys workers() {
        return workers;
    }

    /**
     * Revokes a client for good: its key no longer authenticates.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID if it is already revoked
     */
    public ClientRecord revoke(String name, String actor, String source) {
        requireName("client name", name);
        requireActor(actor, source);
        Instant now = db.now();
        return changeClient("revoke client '" + name + "'", name, (c, current) -> {
            if (current.status() == ClientStatus.REVOKED) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID, "client '" + name
                        + "' is already revoked (since " + current.revokedAt() + ")");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE clients SET status = ?, revoked_at = ?,"
                    + " quarantine_reason = NULL, quarantined_at = NULL, quarantine_until = NULL, quarantined_by = NULL WHERE id = ?")) {
                ps.setString(1, ClientStatus.REVOKED.name());
                setInstant(ps, 2, now);
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
        requireName("client name", name);
        requireText("quarantine reason", reason, MAX_REASON, true);
        requireActor(actor, source);
        Instant now = db.now();
        Instant end = until == null ? null : until.truncatedTo(ChronoUnit.MICROS);
        if (end != null && !end.isAfter(now)) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "quarantine end " + until + " for client '" + name + "' is not after now (" + now + ")");
        }
        return changeClient("quarantine client '" + name + "'", name, (c, current) -> {
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
                setInstant(ps, 3, now);
                setInstant(ps, 4, end);
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
        requireName("client name", name);
        requireActor(actor, source);
        Instant now = db.now();
        return changeClient("release client '" + name + "'", name, (c, current) -> {
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
        requireName("client name", name);
        requireActor(actor, source);
        ClientLimits l = limits == null ? ClientLimits.DEFAULTS : limits;
        Instant now = db.now();
        return changeClient("set limits of client '" + name + "'", name, (c, current) -> {
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
    private interface ClientChange {
        void apply(Connection c, ClientRecord current) throws SQLException;
    }

    /** Locks the client's row, applies {@code change}, returns the row as committed. */
    private ClientRecord changeClient(String what, String name, ClientChange change) {
        ClientRecord r = db.inTransaction(what, c -> {
            ClientRecord current = selectClient(c, "name", name, true).orElseThrow(() -> notFound(name));
            change.apply(c, current);
            return selectClient(c, "name", name, false).orElseThrow();
        });
        clientChanges.incrementAndGet();
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
        return db.query("find client '" + name + "'", c -> selectClient(c, "name", name, false));
    }

    /** The client whose public key is {@code z85}; empty for an unknown or malformed key. */
    public Optional<ClientRecord> findByKey(String z85) {
        if (!Z85.isValidKey(z85)) {
            return Optional.empty();
        }
        return db.query("find client by key", c -> selectClient(c, "public_key", z85, false));
    }

    /** Every client, revoked ones included, ordered by name. */
    public List<ClientRecord> listClients() {
        return db.query("list clients", c -> {
            List<ClientRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + CLIENT_COLUMNS + " FROM clients ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(client(rs));
                }
            }
            return out;
        });
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
                    setInstant(ps, 1, at);
                    ps.setString(2, e.getKey());
                    setInstant(ps, 3, at);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    static Optional<ClientRecord> selectClient(Connection c, String column, String value,
                                                       boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CLIENT_COLUMNS + " FROM clients WHERE "
                + column + " = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(client(rs)) : Optional.empty();
            }
        }
    }

    private static ClientRecord client(ResultSet rs) throws SQLException {
        double rate = rs.getDouble(9);
        Double msgRate = rs.wasNull() ? null : rate;
        int burst = rs.getInt(10);
        Integer msgBurst = rs.wasNull() ? null : burst;
        long bytes = rs.getLong(11);
        Long byteRate = rs.wasNull() ? null : bytes;
        return new ClientRecord(rs.getLong(1), rs.getString(2), rs.getString(3),
                ClientStatus.valueOf(rs.getString(4)), instant(rs, 5), rs.getString(6),
                instant(rs, 7), instant(rs, 8), new ClientLimits(msgRate, msgBurst, byteRate),
                rs.getString(12), instant(rs, 13), instant(rs, 14), rs.getString(15));
    }

    // ================================================================== backup and restore

    /**
     * Writes a consistent copy of the open store to {@code zipFile} (H2 {@code BACKUP TO}; the
     * store stays usable meanwhile). Refuses to replace an existing file.
     *
     * @throws KeyStoreException INVALID if {@code zipFile} exists or its directory does not;
     *                           STORAGE if the backup fails
     */
    public void backup(Path zipFile) {
        Path target = zipFile.toAbsolutePath().normalize();
        Path dir = target.getParent();
        if (Files.exists(target)) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "backup file " + target + " already exists; choose a new name");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "backup directory " + dir + " does not exist");
        }
        Path temp = dir.resolve("." + target.getFileName() + "." + System.nanoTime() + ".tmp");
        try {
            backupTo(temp, "back up to " + target);
            try {
                Files.move(temp, target); // no REPLACE_EXISTING: fails if the target appeared meanwhile
            } catch (FileAlreadyExistsException e) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "backup file " + target + " already exists; choose a new name", e);
            } catch (IOException e) {
                throw new KeyStoreException(KeyStoreException.Reason.STORAGE,
                        "cannot write backup file " + target + ": " + e, e);
            }
            LOG.info("KeyStore {}: backed up to {}", location, target);
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * Writes a consistent copy of the open store, as {@link #backup(Path)} makes it, to {@code out}
     * (for a copy kept by another process, e.g. the CLI over the control socket). The copy passes
     * through an owner-only temporary file beside the store, never elsewhere.
     *
     * @throws KeyStoreException STORAGE if the backup or the writing fails
     */
    public void backup(OutputStream out) {
        Path dir = Path.of(location).toAbsolutePath().getParent();
        Path temp = dir.resolve(".backup-" + System.nanoTime() + ".zip.tmp");
        try {
            backupTo(temp, "back up");
            try {
                Files.copy(temp, out);
                out.flush();
            } catch (IOException e) {
                throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "key store " + location
                        + ": cannot send the backup: " + e.getMessage(), e);
            }
            LOG.info("KeyStore {}: backed up to a stream", location);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** H2's {@code BACKUP TO temp}, then the file made owner-only: it holds hashes and the audit log. */
    private void backupTo(Path temp, String what) {
        String path = temp.toString();
        if (path.indexOf('\'') >= 0) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "backup file " + temp + " has a quote in its path");
        }
        db.query(what, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("BACKUP TO '" + path + "'");
            }
            return null;
        });
        try {
            if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "cannot restrict " + temp + ": " + e, e);
        }
    }

    private void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("KeyStore {}: cannot delete temporary backup file {}: {}", location, temp, e.toString());
        }
    }

    /**
     * Restores a backup made by {@link #backup} into {@code dataDir}, which must be empty or
     * missing; {@link #open}{@code (}{@link #fileUrl}{@code (dataDir))} then opens it.
     *
     * @throws KeyStoreException INVALID if {@code dataDir} is not empty or the file is not a key
     *                           store backup; STORAGE if it cannot be written
     */
    public static void restore(Path zipFile, Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                            "restore target " + dir + " is not a directory");
                }
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new KeyStoreException(KeyStoreException.Reason.INVALID, "data directory " + dir
                                + " is not empty; restore only into an empty or new directory");
                    }
                }
            } else {
                Files.createDirectories(dir);
            }
            Path db = dir.resolve("keystore.mv.db");
            boolean found = false;
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(zipFile))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    String entry = e.getName();
                    if (e.isDirectory() || !entry.endsWith(".mv.db")) {
                        continue;
                    }
                    if (found) {
                        throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                                zipFile + " holds more than one database; it is not a key store backup");
                    }
                    found = true;
                    try (OutputStream out = Files.newOutputStream(Files.createFile(db,
                            db.getFileSystem().supportedFileAttributeViews().contains("posix")
                                    ? new java.nio.file.attribute.FileAttribute<?>[] {
                                        PosixFilePermissions.asFileAttribute(
                                                PosixFilePermissions.fromString("rw-------"))}
                                    : new java.nio.file.attribute.FileAttribute<?>[0]),
                            StandardOpenOption.WRITE)) {
                        zip.transferTo(out);
                    }
                }
            } catch (IOException e) {
                Files.deleteIfExists(db);
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "cannot read backup " + zipFile + ": " + e.getMessage(), e);
            }
            if (!found) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        zipFile + " holds no database file; it is not a key store backup");
            }
            try {
                checkIsKeyStore(dir);
            } catch (KeyStoreException e) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
                throw e;
            }
            LOG.info("KeyStore: restored {} into {}", zipFile, dir);
        } catch (IOException e) {
            throw new KeyStoreException(KeyStoreException.Reason.STORAGE,
                    "cannot restore " + zipFile + " into " + dir + ": " + e, e);
        }
    }

    private static void checkIsKeyStore(Path dir) {
        String url = fileUrl(dir) + ";IFEXISTS=TRUE";
        try (Connection c = DriverManager.getConnection(url, Database.USER, Database.PASSWORD)) {
            // made by this release (Flyway's history) or by one before Flyway (schema_version)
            if (!Migrations.tableExists(c, Migrations.HISTORY_TABLE) && !Migrations.tableExists(c, Migrations.LEGACY_TABLE)) {
                throw new SQLException("no schema history");
            }
        } catch (SQLException e) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "the restored file is not an Edge Gateway key store: " + Database.describe(e), e);
        }
    }

    /** Closes the store; operations afterwards fail with STORAGE. Idempotent. */
    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "KeyStore[" + location + ", schema V" + schemaVersion + (db.isClosed() ? ", closed" : "") + "]";
    }
}
