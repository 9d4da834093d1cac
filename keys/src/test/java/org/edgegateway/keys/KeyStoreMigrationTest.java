package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema migrations on real H2 files: stores made by the release before Flyway upgrade in place, and
 * a migration that fails halfway, was edited after it ran, or is unknown to the code is refused.
 */
class KeyStoreMigrationTest {

    private static final String FAILING = "classpath:db/test-migrations/failing";
    private static final String GOOD = "classpath:db/test-migrations/good";
    private static final String EDITED = "classpath:db/test-migrations/edited";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));

    /** A copy of the key store file written by the release before Flyway (see stores/README.md). */
    private Path storeMadeBeforeFlyway(String name) throws Exception {
        Path data = Files.createDirectories(dir.resolve(name));
        try (InputStream in = getClass().getResourceAsStream("/stores/keystore-v2.mv.db")) {
            Files.copy(in, data.resolve("keystore.mv.db"));
        }
        return data;
    }

    private static List<String> history(String url) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\", \"type\", \"success\" FROM \"" + KeyStore.HISTORY_TABLE
                     + "\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getBoolean(3));
            }
        }
        return rows;
    }

    private static boolean tableExists(String url, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             ResultSet rs = c.getMetaData().getTables(null, null, table.toUpperCase(java.util.Locale.ROOT), null)) {
            return rs.next();
        }
    }

    private static int latest() {
        int v = 0;
        while (KeyStore.class.getClassLoader().getResource("db/migration/V" + (v + 1) + ".sql") != null) {
            v++;
        }
        return v;
    }

    @Test
    void aStoreMadeBeforeFlywayIsBaselinedAndUpgradedInPlace() throws Exception {
        Path data = storeMadeBeforeFlyway("data");
        String url = KeyStore.fileUrl(data);
        try (KeyStore store = KeyStore.open(url, clock)) {
            assertThat(store.schemaVersion()).isEqualTo(latest());
            assertThat(store.clients().findByName("sensor-1").orElseThrow().publicKey())
                    .isEqualTo("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
            assertThat(store.clients().findByName("sensor-2").orElseThrow().status()).isEqualTo(ClientStatus.QUARANTINED);
            assertThat(store.admins().find("admin").orElseThrow().mustChangePassword()).isTrue();
            assertThat(store.tokens().list()).singleElement().satisfies(t -> {
                assertThat(t.name()).isEqualTo("ci");
                assertThat(t.isActive()).isTrue();
                assertThat(t.scope()).as("tokens made before scopes keep full rights").isEqualTo(TokenScope.ADMIN);
                assertThat(t.expiresAt()).isNull();
            });
            assertThat(store.audit().page(Long.MAX_VALUE, 100)).extracting(AuditEntry::action)
                    .contains("client.enrol", "client.quarantine", "admin.create", "token.create");
            store.clients().enrol("after-upgrade", CurveKeyPair.generate().publicZ85(), "admin", null);
        }
        List<String> rows = history(url);
        assertThat(rows.get(0)).isEqualTo("2 BASELINE true");
        assertThat(rows.subList(1, rows.size())).allMatch(r -> r.endsWith(" SQL true")).hasSize(latest() - 2);
        assertThat(tableExists(url, "schema_version")).as("the old record is gone once Flyway keeps it").isFalse();
        if (latest() > 2) {
            assertThat(data.resolve("keystore.before-V3.zip")).as("the copy taken before the first migration")
                    .exists();
        }

        try (KeyStore again = KeyStore.open(url, clock)) {
            assertThat(again.schemaVersion()).isEqualTo(latest());
            assertThat(again.clients().findByName("after-upgrade")).isPresent();
        }
        assertThat(history(url)).isEqualTo(rows);
    }

    @Test
    void aBackupMadeBeforeFlywayRestoresAndUpgrades() throws Exception {
        Path old = storeMadeBeforeFlyway("old");
        Path zip = dir.resolve("old-backup.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("keystore.mv.db"));
            Files.copy(old.resolve("keystore.mv.db"), out);
            out.closeEntry();
        }
        Path restored = dir.resolve("restored");
        KeyStore.restore(zip, restored);
        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(restored), clock)) {
            assertThat(store.schemaVersion()).isEqualTo(latest());
            assertThat(store.clients().findByName("sensor-1")).isPresent();
        }
    }

    @Test
    void aMigrationThatFailsHalfwayIsRecordedAndTheStoreRefusedUntilTheCopyIsRestored() throws Exception {
        Path data = dir.resolve("data");
        String url = KeyStore.fileUrl(data);
        String key = CurveKeyPair.generate().publicZ85();
        try (KeyStore store = KeyStore.open(url, clock)) {
            store.clients().enrol("before", key, "admin", null);
        }

        assertThatThrownBy(() -> KeyStore.open(url, clock, "latest", List.of(FAILING)))
                .isInstanceOfSatisfying(KeyStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeyStoreException.Reason.STORAGE))
                .hasMessageContaining("migration V100 or a later one failed")
                .hasMessageContaining("recorded as failed")
                .hasMessageContaining(data.resolve("keystore.before-V100.zip").toString())
                .hasMessageContaining("NO_SUCH_TABLE");
        assertThat(tableExists(url, "half_done")).as("H2 committed the first statement: half applied").isTrue();
        assertThat(history(url)).last().isEqualTo("100 SQL false");

        // Neither a second attempt with the broken step nor the release without it runs over the remains.
        for (List<String> locations : List.of(List.of(FAILING), List.<String>of())) {
            assertThatThrownBy(() -> KeyStore.open(url, clock, "latest", locations))
                    .isInstanceOf(KeyStoreException.class)
                    .hasMessageContaining("migration V100 failed earlier and may be half applied")
                    .hasMessageContaining("restore " + data.resolve("keystore.before-V100.zip"));
        }

        Path restored = dir.resolve("restored");
        KeyStore.restore(data.resolve("keystore.before-V100.zip"), restored);
        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(restored), clock)) {
            assertThat(store.clients().findByKey(key).orElseThrow().name()).isEqualTo("before");
        }
        assertThat(tableExists(KeyStore.fileUrl(restored), "half_done")).isFalse();
    }

    @Test
    void aMigrationEditedAfterItRanIsRefused() {
        String url = KeyStore.fileUrl(dir.resolve("data"));
        try (KeyStore store = KeyStore.open(url, clock, "latest", List.of(GOOD))) {
            assertThat(store.schemaVersion()).isEqualTo(100);
        }
        assertThatThrownBy(() -> KeyStore.open(url, clock, "latest", List.of(EDITED)))
                .isInstanceOfSatisfying(KeyStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeyStoreException.Reason.STORAGE))
                .hasMessageContaining("the migrations it records differ from this release's")
                .hasMessageContaining("V100: Migration checksum mismatch for migration version 100");
    }

    @Test
    void aStoreMigratedByANewerReleaseIsRefused() {
        String url = KeyStore.fileUrl(dir.resolve("data"));
        KeyStore.open(url, clock, "latest", List.of(GOOD)).close();
        assertThatThrownBy(() -> KeyStore.open(url, clock))
                .isInstanceOfSatisfying(KeyStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeyStoreException.Reason.STORAGE))
                .hasMessageContaining("has schema version 100, which this Edge Gateway does not know");
    }

    @Test
    void aStoreMadeBeforeFlywayThatIsNewerThanTheCodeIsRefused() throws Exception {
        Path data = storeMadeBeforeFlyway("data");
        String url = KeyStore.fileUrl(data);
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, description, applied_at)"
                    + " VALUES (3, 'a', CURRENT_TIMESTAMP), (4, 'b', CURRENT_TIMESTAMP), (99, 'c', CURRENT_TIMESTAMP)");
        }
        assertThatThrownBy(() -> KeyStore.open(url, clock))
                .isInstanceOf(KeyStoreException.class).hasMessageContaining("with gaps");
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement()) {
            s.execute("DELETE FROM schema_version WHERE version = 99");
            for (int v = 5; v <= latest() + 1; v++) {
                s.execute("INSERT INTO schema_version (version, description, applied_at) VALUES (" + v
                        + ", 'x', CURRENT_TIMESTAMP)");
            }
        }
        int recorded = Math.max(4, latest() + 1);
        assertThatThrownBy(() -> KeyStore.open(url, clock))
                .isInstanceOf(KeyStoreException.class)
                .hasMessageContaining("has schema version " + recorded + ", newer than this Edge Gateway supports");
    }

    @Test
    void anotherApplicationsDatabaseIsRefusedUntouched() throws Exception {
        String url = KeyStore.fileUrl(dir.resolve("data"));
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id INTEGER)");
        }
        assertThatThrownBy(() -> KeyStore.open(url, clock))
                .isInstanceOf(KeyStoreException.class)
                .hasMessageContaining("holds tables but no schema history: it is not an Edge Gateway key store");
        assertThat(tableExists(url, KeyStore.HISTORY_TABLE)).isFalse();
    }
}
