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
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backups of a {@link KeyStore} and their restoring, with H2's own {@code BACKUP TO}: a consistent
 * copy while the store stays in use, written owner-only (it holds hashes and the audit log) and
 * never over an existing file. Thread-safe.
 */
final class Backups {

    private static final Logger LOG = LoggerFactory.getLogger(KeyStore.class);

    private final Database db;

    Backups(Database db) {
        this.db = db;
    }

    /** See {@link KeyStore#backup(Path)}: written beside the target first, then moved to it. */
    void write(Path zipFile) {
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
            LOG.info("KeyStore {}: backed up to {}", db.location(), target);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** See {@link KeyStore#backup(OutputStream)}. */
    void write(OutputStream out) {
        Path dir = Path.of(db.location()).toAbsolutePath().getParent();
        Path temp = dir.resolve(".backup-" + System.nanoTime() + ".zip.tmp");
        try {
            backupTo(temp, "back up");
            try {
                Files.copy(temp, out);
                out.flush();
            } catch (IOException e) {
                throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "key store " + db.location()
                        + ": cannot send the backup: " + e.getMessage(), e);
            }
            LOG.info("KeyStore {}: backed up to a stream", db.location());
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
            LOG.warn("KeyStore {}: cannot delete temporary backup file {}: {}", db.location(), temp, e.toString());
        }
    }

    /** See {@link KeyStore#restore}: the database file is written owner-only, then checked to be a key store. */
    static void restore(Path zipFile, Path dataDir) {
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
        String url = StoreUrls.fileUrl(dir) + ";IFEXISTS=TRUE";
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
}
