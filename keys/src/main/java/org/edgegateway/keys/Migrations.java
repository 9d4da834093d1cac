package org.edgegateway.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key store's schema migrations, run by {@link Database#open}. Thread-safe: stateless, and
 * migrations of any store are serialised by one lock. See {@link #migrate} for what is checked and
 * recorded.
 */
final class Migrations {

    private static final Logger LOG = LoggerFactory.getLogger(KeyStore.class);

    /** Where the migrations are: {@code V1.sql}, {@code V2.sql}, ... (Flyway's names; a description is optional). */
    static final String MIGRATIONS = "classpath:db/migration";
    /** Flyway's record of the migrations applied, with their checksums. */
    static final String HISTORY_TABLE = "flyway_schema_history";
    /** The record of migrations of stores made before Flyway (V1, V2). */
    static final String LEGACY_TABLE = "schema_version";
    /** Flyway is not meant to run twice at once on one store; opening is rare, so one lock for all. */
    private static final Object MIGRATION_LOCK = new Object();

    private Migrations() {
    }

    /**
     * Brings the schema up to date with Flyway and returns its version. Flyway records every step in
     * {@value #HISTORY_TABLE} with the checksum of its file and refuses to go on after a failed one:
     * H2 commits DDL as it goes, so a migration that fails halfway cannot be rolled back and must not
     * be retried over its own remains. Before the first pending migration runs on a store that
     * already has a schema, a copy of it is written beside it ({@link #preMigrationBackup}), which
     * is what the refusal tells the admin to restore.
     *
     * <p>A store made before Flyway (its own {@code schema_version} table, V1 and V2) is baselined
     * at the version that table records, and the table is dropped once the store is up to date.
     */
    static int migrate(JdbcConnectionPool pool, String location, String target, List<String> extraLocations)
            throws SQLException {
        synchronized (MIGRATION_LOCK) {
            int legacy;
            boolean legacyTable;
            try (Connection c = pool.getConnection()) {
                boolean history = tableExists(c, HISTORY_TABLE);
                legacyTable = tableExists(c, LEGACY_TABLE);
                legacy = history ? 0 : legacySchemaVersion(c, location);
                if (!history && !legacyTable && tableExists(c, null)) {
                    throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "key store " + location
                            + " holds tables but no schema history: it is not an Edge Gateway key store");
                }
            }
            List<String> locations = new ArrayList<>();
            locations.add(MIGRATIONS);
            locations.addAll(extraLocations);
            FluentConfiguration configuration = Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(pool)
                    .locations(locations.toArray(String[]::new))
                    .table(HISTORY_TABLE)
                    .target(target)
                    .cleanDisabled(true)
                    .validateMigrationNaming(true)
                    // pending migrations are what migrate() is for; an applied one this release does not
                    // know (a newer release's) is refused, never ignored
                    .ignoreMigrationPatterns("*:pending");
            if (legacy > 0) {
                configuration.baselineOnMigrate(true)
                        .baselineVersion(Integer.toString(legacy))
                        .baselineDescription("schema_version V1 to V" + legacy + " (before Flyway)");
            }
            Flyway flyway = configuration.load();
            MigrationInfo next;
            try {
                MigrationInfoService info = flyway.info();
                int known = checkHistory(location, info);
                if (legacy > known) {
                    throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "key store " + location
                            + " has schema version " + legacy + ", newer than this Edge Gateway supports (" + known
                            + "); run a newer release or restore a backup made with this one");
                }
                checkChecksums(location, flyway.validateWithResult());
                next = Arrays.stream(info.pending())
                        .filter(m -> Integer.parseInt(m.getVersion().getVersion()) > legacy)
                        .findFirst().orElse(null);
                if (next != null && (legacy > 0 || info.applied().length > 0)) {
                    preMigrationBackup(pool, location, next.getVersion().toString());
                }
            } catch (FlywayException e) {
                throw migrationFailure(location, "cannot read its schema history", e);
            }
            try {
                MigrateResult result = flyway.migrate();
                for (var m : result.migrations) {
                    LOG.info("KeyStore {}: applied migration V{}", location, m.version);
                }
            } catch (FlywayException e) {
                String version = next == null ? "?" : next.getVersion().toString();
                boolean copied = next != null && Files.exists(Path.of(backupHint(location, version)));
                throw migrationFailure(location, "migration V" + version + " or a later one failed; it is recorded as"
                        + " failed and the store is refused until "
                        + (copied ? "the copy taken before it, " + backupHint(location, version) + ", or a backup"
                                  : "a backup")
                        + " is restored", e);
            }
            if (legacyTable) {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    s.execute("DROP TABLE " + LEGACY_TABLE);
                }
            }
            MigrationInfo current = flyway.info().current();
            return current == null || current.getVersion() == null ? 0
                    : Integer.parseInt(current.getVersion().getVersion());
        }
    }

    /**
     * Refuses a history with a failed migration or one this release does not know; returns the
     * highest version this release knows.
     */
    private static int checkHistory(String location, MigrationInfoService info) {
        int known = 0;
        for (MigrationInfo m : info.all()) {
            if (m.getVersion() == null) {
                continue; // Flyway's own rows (the history table's creation)
            }
            if (m.getState().isFailed()) {
                throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "key store " + location
                        + ": migration V" + m.getVersion() + " failed earlier and may be half applied (H2 cannot"
                        + " roll back its DDL); restore " + backupHint(location, m.getVersion().toString())
                        + " or your last backup, then start again");
            }
            if (m.getState().isApplied() && !m.getState().isResolved() && m.getType() != CoreMigrationType.BASELINE) {
                throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "key store " + location
                        + " has schema version " + m.getVersion() + ", which this Edge Gateway does not know"
                        + " (newer release, or a damaged store); run a newer release or restore a backup made"
                        + " with this one");
            }
            if (m.getState().isResolved()) {
                known = Math.max(known, Integer.parseInt(m.getVersion().getVersion()));
            }
        }
        return known;
    }

    /** Refuses a store whose applied migrations differ from this release's files (checksums, names). */
    private static void checkChecksums(String location, ValidateResult validation) {
        if (validation.validationSuccessful) {
            return;
        }
        StringBuilder why = new StringBuilder();
        for (ValidateOutput m : validation.invalidMigrations) {
            why.append(why.length() == 0 ? "" : "; ").append("V").append(m.version).append(": ")
                    .append(firstLine(String.valueOf(m.errorDetails == null ? m.description
                            : m.errorDetails.errorMessage)));
        }
        throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "key store " + location
                + ": the migrations it records differ from this release's (" + why + "); a migration that"
                + " shipped must never change: run the release that made the store, or restore a backup");
    }

    /**
     * The version a store made before Flyway records in its {@code schema_version} table, checked to
     * be 1..n without gaps; 0 when there is no such table (a new store).
     */
    private static int legacySchemaVersion(Connection c, String location) throws SQLException {
        if (!tableExists(c, LEGACY_TABLE)) {
            return 0;
        }
        TreeSet<Integer> applied = new TreeSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM " + LEGACY_TABLE)) {
            while (rs.next()) {
                applied.add(rs.getInt(1));
            }
        }
        if (applied.isEmpty() || applied.first() != 1 || applied.last() != applied.size()) {
            throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "key store " + location
                    + " has schema versions " + applied + " with gaps; it was not made by Edge Gateway or was damaged");
        }
        return applied.last();
    }

    /** Whether the store has a table named {@code name} (any case), or any table at all when it is null. */
    static boolean tableExists(Connection c, String name) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), null, new String[] {"TABLE"})) {
            while (rs.next()) {
                if (name == null || name.equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Copies the store, as it is before migration {@code version}, to
     * {@code <store>.before-V<version>.zip} beside it (a new name when that exists), owner-only.
     */
    private static void preMigrationBackup(JdbcConnectionPool pool, String location, String version)
            throws SQLException {
        Path target = Path.of(backupHint(location, version));
        if (Files.exists(target)) {
            target = Path.of(location + ".before-V" + version + "." + System.currentTimeMillis() + ".zip");
        }
        String path = target.toString();
        if (path.indexOf('\'') >= 0) {
            throw new KeyStoreException(KeyStoreException.Reason.STORAGE,
                    "key store " + location + " has a quote in its path; cannot back it up before migrating");
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("BACKUP TO '" + path + "'");
        }
        try {
            if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new KeyStoreException(KeyStoreException.Reason.STORAGE,
                    "cannot restrict the pre-migration copy " + target + ": " + e, e);
        }
        LOG.info("KeyStore {}: copied to {} before migration V{}", location, target, version);
    }

    /** Where {@link #preMigrationBackup} puts the copy taken before migration {@code version}. */
    private static String backupHint(String location, String version) {
        return location + ".before-V" + version + ".zip";
    }

    private static KeyStoreException migrationFailure(String location, String what, FlywayException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String cause = root instanceof SQLException sql ? Database.describe(sql) : firstLine(String.valueOf(root.getMessage()));
        return new KeyStoreException(KeyStoreException.Reason.STORAGE,
                "key store " + location + ": " + what + ": " + cause, e);
    }

    private static String firstLine(String m) {
        int nl = m.indexOf('\n');
        return (nl >= 0 ? m.substring(0, nl) : m).trim();
    }
}
