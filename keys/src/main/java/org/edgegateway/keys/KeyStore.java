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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private final Database db;
    private final String location;
    private final int schemaVersion;
    private final Clients clients;
    private final AuditLog audit;
    private final AdminUsers admins;
    private final ApiTokens tokens;
    private final WorkerKeys workers;
    private final Claims claims;

    private KeyStore(Database db) {
        this.db = db;
        this.location = db.location();
        this.schemaVersion = db.schemaVersion();
        this.clients = new Clients(db);
        this.audit = new AuditLog(db);
        this.admins = new AdminUsers(db);
        this.tokens = new ApiTokens(db);
        this.workers = new WorkerKeys(db);
        this.claims = new Claims(db, clients);
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
