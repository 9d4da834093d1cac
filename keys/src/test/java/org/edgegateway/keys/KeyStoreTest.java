package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgegateway.keys.StoreFixture.assertFails;
import static org.edgegateway.keys.StoreFixture.key;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeyStoreTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00.123456789Z");

    @RegisterExtension
    final StoreFixture fx = new StoreFixture(T0);
    private final MutableClock clock = fx.clock();
    private final KeyStore store = fx.store();
    private final Path dir = fx.dir();

    @Test
    void opensAtTheLatestSchemaVersion() {
        assertThat(store.schemaVersion()).isEqualTo(7);
        assertThat(store.location()).isEqualTo(dir.resolve("data").resolve("keystore").toString());
        assertThat(dir.resolve("data").resolve("keystore.mv.db")).exists();
    }

    @Test
    void survivesReopening() {
        String k = key();
        store.clients().enrol("kept", k, "alice", null);
        KeyStore again = fx.reopen();
        assertThat(again.clients().findByKey(k).orElseThrow().name()).isEqualTo("kept");
        assertThat(again.schemaVersion()).isEqualTo(7);
    }

    @Test
    void closedStoreRefusesWork() {
        store.close();
        store.close();
        assertThatThrownBy(() -> store.clients().list())
                .isInstanceOfSatisfying(KeyStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(KeyStoreException.Reason.STORAGE))
                .hasMessageEndingWith("is closed");
    }

    @Test
    void refusesEveryUrlButAnEmbeddedFile() throws Exception {
        String file = "jdbc:h2:file:" + dir.resolve("x");
        Map<String, String> refused = new LinkedHashMap<>();
        for (String autoServer : List.of("TRUE", "1", "ON", "yes", " true")) {
            refused.put(file + ";AUTO_SERVER=" + autoServer, "setting 'AUTO_SERVER' is not allowed");
        }
        refused.put(file + ";auto_server=true", "setting 'AUTO_SERVER' is not allowed");
        refused.put(file + ";INIT=RUNSCRIPT FROM '/tmp/evil.sql'", "setting 'INIT' is not allowed");
        refused.put(file + ";LOCK_TIMEOUT=1;INIT=CREATE ALIAS X FOR 'java.lang.Runtime.exec'",
                "setting 'INIT' is not allowed");
        refused.put(file + ";AUTO_SERVER_PORT=9090", "setting 'AUTO_SERVER_PORT' is not allowed");
        refused.put(file + ";;LOCK_TIMEOUT=1", "setting (empty) is not allowed");
        refused.put(file + ";LOCK_TIMEOUT=soon", "setting LOCK_TIMEOUT needs a whole number");
        refused.put("jdbc:h2:tcp://localhost:9092/" + dir.resolve("x"), "is not an embedded H2 file URL");
        refused.put("jdbc:h2:ssl://localhost/" + dir.resolve("x"), "is not an embedded H2 file URL");
        refused.put("jdbc:h2:mem:store", "is not an embedded H2 file URL");
        refused.put("jdbc:h2:zip:" + dir.resolve("x.zip") + "!/keystore", "is not an embedded H2 file URL");
        refused.put("jdbc:h2:file:nio:" + dir.resolve("x"), "is not an embedded H2 file URL");
        refused.put("jdbc:h2:file:data/keystore", "is not an embedded H2 file URL");
        refused.put("jdbc:postgresql://db/x", "must be an embedded H2 file URL (jdbc:h2:file:/absolute/path),"
                + " got 'jdbc:postgresql://db/x'");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            assertThatThrownBy(() -> KeyStore.open(e.getKey(), clock)).as(e.getKey())
                    .isInstanceOfSatisfying(KeyStoreException.class,
                            x -> assertThat(x.reason()).isEqualTo(KeyStoreException.Reason.INVALID))
                    .hasMessageContaining(e.getValue())
                    .satisfies(x -> assertThat(x.getMessage()).doesNotContain("RUNSCRIPT", "Runtime"));
            assertThatThrownBy(() -> KeyStore.requireEmbeddedFileUrl(e.getKey())).as(e.getKey())
                    .isInstanceOf(KeyStoreException.class);
        }
        assertThat(Files.exists(Path.of("/tmp/evil.sql"))).isFalse();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("nothing was opened").containsOnly("data");
        }

        for (String ok : List.of(file + ";LOCK_TIMEOUT=5000;write_delay=0", KeyStore.fileUrl(dir.resolve("y")),
                "jdbc:h2:" + dir.resolve("z"))) {
            assertThat(KeyStore.requireEmbeddedFileUrl(ok)).isEqualTo(ok);
            KeyStore.open(ok, clock).close();
        }
    }

    @Test
    void migratesAStoreMadeWithOnlyV1() throws Exception {
        Path old = dir.resolve("old");
        String url = KeyStore.fileUrl(old);
        String k = key();
        try (KeyStore v1 = KeyStore.open(url, clock, 1)) {
            assertThat(v1.schemaVersion()).isEqualTo(1);
        }
        // An admin and a client as the V1 release wrote them (this release's statements need the latest schema).
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO admin_users (name, password_hash, must_change_password, created_at)"
                    + " VALUES ('admin', 'h', TRUE, CURRENT_TIMESTAMP)");
            st.executeUpdate("INSERT INTO clients (name, public_key, status, enrolled_at, enrolled_by)"
                    + " VALUES ('legacy', '" + k + "', 'ACTIVE', CURRENT_TIMESTAMP, 'alice')");
            st.executeUpdate("INSERT INTO audit_log (at, actor, action, subject, detail, source)"
                    + " VALUES (CURRENT_TIMESTAMP, 'alice', 'client.enrol', 'legacy', '" + k + "', 'cli')");
        }
        try (KeyStore current = KeyStore.open(url, clock)) {
            assertThat(current.schemaVersion()).isEqualTo(7);
            assertThat(current.clients().findByName("legacy").orElseThrow().publicKey()).isEqualTo(k);
            assertThat(current.admins().find("admin")).hasValueSatisfying(u -> {
                assertThat(u.role()).as("admins made before roles keep full rights").isEqualTo(AdminRole.ADMIN);
                assertThat(u.enabled()).isTrue();
            });
            assertThat(current.audit().pageFor("legacy", Long.MAX_VALUE, 10)).hasSize(1);
        }
    }

    @Test
    void backsUpAndRestores() throws Exception {
        String k = key();
        store.clients().enrol("backed-up", k, "alice", null);
        Path zip = dir.resolve("backup.zip");
        store.backup(zip);
        assertThat(zip).exists();
        assertFails(() -> store.backup(zip), KeyStoreException.Reason.INVALID,
                "backup file " + zip + " already exists; choose a new name");
        store.clients().enrol("after-backup", key(), "alice", null);

        Path restored = dir.resolve("restored");
        KeyStore.restore(zip, restored);
        try (KeyStore r = KeyStore.open(KeyStore.fileUrl(restored), clock)) {
            assertThat(r.clients().findByName("backed-up").orElseThrow().publicKey()).isEqualTo(k);
            assertThat(r.clients().findByName("after-backup")).isEmpty();
        }
        assertFails(() -> KeyStore.restore(zip, restored), KeyStoreException.Reason.INVALID,
                "data directory " + restored + " is not empty; restore only into an empty or new directory");

        Path notABackup = dir.resolve("junk.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(notABackup))) {
            out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            out.write(1);
        }
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertFails(() -> KeyStore.restore(notABackup, empty), KeyStoreException.Reason.INVALID,
                notABackup + " holds no database file; it is not a key store backup");
    }
}
