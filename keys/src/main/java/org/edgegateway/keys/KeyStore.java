package org.edgegateway.keys;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The gateway's key store, one embedded H2 database reached by JDBC: thread-safe. This class opens
 * it, closes it, backs it up and hands out its parts, one class per concern, which share its
 * connection pool and clock ({@link Database}): {@link #clients()}, {@link #audit()},
 * {@link #admins()}, {@link #tokens()}, {@link #workers()} and {@link #claims()}. Every change any
 * of them makes is one transaction that includes its audit row, so the log never misses a change
 * and never records one that did not happen.
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
 * <p>SQL is portable (standard types, {@code SELECT ... FOR UPDATE}, {@code OFFSET ... FETCH} for
 * paging); only {@link #backup} and {@link #restore} are H2-specific.
 */
public final class KeyStore implements AutoCloseable {

    /** Flyway's record of the migrations applied, with their checksums (see {@link Migrations}). */
    static final String HISTORY_TABLE = Migrations.HISTORY_TABLE;

    private final Database db;
    private final Clients clients;
    private final AuditLog audit;
    private final AdminUsers admins;
    private final ApiTokens tokens;
    private final WorkerKeys workers;
    private final Claims claims;
    private final Backups backups;

    private KeyStore(Database db) {
        this.db = db;
        this.clients = new Clients(db);
        this.audit = new AuditLog(db);
        this.admins = new AdminUsers(db);
        this.tokens = new ApiTokens(db);
        this.workers = new WorkerKeys(db);
        this.claims = new Claims(db, clients);
        this.backups = new Backups(db);
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

    // ================================================================== what it holds

    /** The highest migration applied to this store. */
    public int schemaVersion() {
        return db.schemaVersion();
    }

    /** Where the store is, for messages (the file path of a file store). */
    public String location() {
        return db.location();
    }

    /** The enrolled clients (the sensors' keys). */
    public Clients clients() {
        return clients;
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

    /** The worker keys, kept apart from the clients' in the same store. */
    public WorkerKeys workers() {
        return workers;
    }

    /** The enrolment claims, on which sensors enrol their own keys. */
    public Claims claims() {
        return claims;
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
        backups.write(zipFile);
    }

    /**
     * Writes a consistent copy of the open store, as {@link #backup(Path)} makes it, to {@code out}
     * (for a copy kept by another process, e.g. the CLI over the control socket). The copy passes
     * through an owner-only temporary file beside the store, never elsewhere.
     *
     * @throws KeyStoreException STORAGE if the backup or the writing fails
     */
    public void backup(OutputStream out) {
        backups.write(out);
    }

    /**
     * Restores a backup made by {@link #backup} into {@code dataDir}, which must be empty or
     * missing; {@link #open}{@code (}{@link #fileUrl}{@code (dataDir))} then opens it.
     *
     * @throws KeyStoreException INVALID if {@code dataDir} is not empty or the file is not a key
     *                           store backup; STORAGE if it cannot be written
     */
    public static void restore(Path zipFile, Path dataDir) {
        Backups.restore(zipFile, dataDir);
    }

    /** Closes the store; operations afterwards fail with STORAGE. Idempotent. */
    @Override
    public void close() {
        db.close();
    }

    @Override
    public String toString() {
        return "KeyStore[" + db.location() + ", schema V" + db.schemaVersion() + (db.isClosed() ? ", closed" : "")
                + "]";
    }
}
