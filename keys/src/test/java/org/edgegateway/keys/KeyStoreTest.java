package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreTest {

    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00.123456789Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private KeyStore store;

    @BeforeEach
    void open() {
        store = KeyStore.open(KeyStore.fileUrl(dir.resolve("data")), clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static String key() {
        return CurveKeyPair.generate().publicZ85();
    }

    private static void assertFails(ThrowingCallable call, KeyStoreException.Reason reason, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(KeyStoreException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessage(message);
    }

    @Test
    void opensAtTheLatestSchemaVersion() {
        assertThat(store.schemaVersion()).isEqualTo(6);
        assertThat(store.location()).isEqualTo(dir.resolve("data").resolve("keystore").toString());
        assertThat(dir.resolve("data").resolve("keystore.mv.db")).exists();
    }

    @Test
    void enrolsAndFindsClients() {
        String k = key();
        ClientRecord r = store.clients().enrol("sensor-1", k, "alice", "10.0.0.1");
        assertThat(r.id()).isPositive();
        assertThat(r.name()).isEqualTo("sensor-1");
        assertThat(r.publicKey()).isEqualTo(k);
        assertThat(r.status()).isEqualTo(ClientStatus.ACTIVE);
        assertThat(r.enrolledAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
        assertThat(r.enrolledBy()).isEqualTo("alice");
        assertThat(r.limits()).isEqualTo(ClientLimits.DEFAULTS);
        assertThat(r.revokedAt()).isNull();
        assertThat(r.lastSeen()).isNull();

        assertThat(store.clients().findByName("sensor-1")).contains(r);
        assertThat(store.clients().findByKey(k)).contains(r);
        assertThat(store.clients().findByName("nobody")).isEmpty();
        assertThat(store.clients().findByName("bad name")).isEmpty();
        assertThat(store.clients().findByKey("short")).isEmpty();

        store.clients().enrol("a-first", key(), "alice", null);
        assertThat(store.clients().list()).extracting(ClientRecord::name).containsExactly("a-first", "sensor-1");

        List<AuditEntry> audit = store.audit().page(Long.MAX_VALUE, 10);
        assertThat(audit).hasSize(2);
        AuditEntry enrol = audit.get(1);
        assertThat(enrol.action()).isEqualTo(AuditActions.CLIENT_ENROL);
        assertThat(enrol.subject()).isEqualTo("sensor-1");
        assertThat(enrol.actor()).isEqualTo("alice");
        assertThat(enrol.source()).isEqualTo("10.0.0.1");
        assertThat(enrol.detail()).contains(k);
        assertThat(enrol.at()).isEqualTo(r.enrolledAt());
    }

    @Test
    void refusesDuplicatesNamingThem() {
        String k = key();
        store.clients().enrol("dup", k, "alice", null);
        assertFails(() -> store.clients().enrol("dup", key(), "bob", null),
                KeyStoreException.Reason.DUPLICATE_NAME, "a client named 'dup' is already enrolled");
        assertFails(() -> store.clients().enrol("other", k, "bob", null),
                KeyStoreException.Reason.DUPLICATE_KEY,
                "public key " + k + " is already enrolled as client 'dup'");
        assertThat(store.clients().list()).hasSize(1);
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).hasSize(1);
    }

    @Test
    void refusesBadInput() {
        assertFails(() -> store.clients().enrol("bad name", key(), "a", null), KeyStoreException.Reason.INVALID,
                "client name 'bad name' may only contain A-Z a-z 0-9 . _ -");
        assertFails(() -> store.clients().enrol("x", key().substring(1), "a", null), KeyStoreException.Reason.INVALID,
                "public key of client 'x': Z85 key must be 40 characters, got 39");
        assertFails(() -> store.clients().enrol("x", Z85.encode(new byte[32]), "a", null), KeyStoreException.Reason.INVALID,
                "public key of client 'x': the all-zero key is not a CURVE public key");
        assertFails(() -> store.clients().enrol("x", key(), " ", null), KeyStoreException.Reason.INVALID, "actor is missing");
        assertFails(() -> store.audit().append("a", "x", null, "d".repeat(4001), null), KeyStoreException.Reason.INVALID,
                "detail is 4001 characters long (at most 4000)");
        assertFails(() -> store.audit().page(Long.MAX_VALUE, 0), KeyStoreException.Reason.INVALID,
                "page size must be 1 to 1000, got 0");
        assertThat(store.clients().list()).isEmpty();
    }

    @Test
    void revokes() {
        store.clients().enrol("c", key(), "alice", null);
        clock.advance(Duration.ofMinutes(1));
        ClientRecord r = store.clients().revoke("c", "bob", "cli");
        assertThat(r.status()).isEqualTo(ClientStatus.REVOKED);
        assertThat(r.revokedAt()).isEqualTo(Instant.parse("2025-06-01T10:01:00.123456Z"));
        assertThat(r.isAdmittedAt(clock.instant())).isFalse();
        assertFails(() -> store.clients().revoke("c", "bob", "cli"), KeyStoreException.Reason.INVALID,
                "client 'c' is already revoked (since 2025-06-01T10:01:00.123456Z)");
        assertFails(() -> store.clients().revoke("nope", "bob", "cli"), KeyStoreException.Reason.NOT_FOUND,
                "no client named 'nope'");
        assertFails(() -> store.clients().quarantine("c", "flood", null, "bob", null), KeyStoreException.Reason.INVALID,
                "client 'c' is revoked; a revoked client cannot be quarantined");
        assertFails(() -> store.clients().setLimits("c", new ClientLimits(1.0, null, null), "bob", null),
                KeyStoreException.Reason.INVALID, "client 'c' is revoked; its limits cannot be changed");
        AuditEntry last = store.audit().page(Long.MAX_VALUE, 1).get(0);
        assertThat(last.action()).isEqualTo(AuditActions.CLIENT_REVOKE);
        assertThat(last.actor()).isEqualTo("bob");
        assertThat(last.source()).isEqualTo("cli");
    }

    @Test
    void quarantinesAndReleases() {
        store.clients().enrol("c", key(), "alice", null);
        assertFails(() -> store.clients().release("c", "bob", null), KeyStoreException.Reason.INVALID,
                "client 'c' is not quarantined (it is active)");
        Instant until = clock.instant().plus(Duration.ofMinutes(10));
        ClientRecord q = store.clients().quarantine("c", "flooding", until, "system", "gateway");
        assertThat(q.status()).isEqualTo(ClientStatus.QUARANTINED);
        assertThat(q.quarantineReason()).isEqualTo("flooding");
        assertThat(q.quarantinedAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
        assertThat(q.quarantineUntil()).isEqualTo(Instant.parse("2025-06-01T10:10:00.123456Z"));
        assertThat(q.isQuarantinedAt(clock.instant())).isTrue();
        assertThat(q.isQuarantinedAt(until.plusSeconds(1))).isFalse();
        assertThat(q.isAdmittedAt(until.plusSeconds(1))).isTrue();

        ClientRecord again = store.clients().quarantine("c", "manual", null, "alice", null);
        assertThat(again.quarantineUntil()).isNull();
        assertThat(again.quarantineReason()).isEqualTo("manual");

        ClientRecord released = store.clients().release("c", "alice", null);
        assertThat(released.status()).isEqualTo(ClientStatus.ACTIVE);
        assertThat(released.quarantineReason()).isNull();
        assertThat(released.quarantinedAt()).isNull();
        assertThat(released.quarantineUntil()).isNull();

        assertFails(() -> store.clients().quarantine("c", "x", clock.instant(), "a", null), KeyStoreException.Reason.INVALID,
                "quarantine end 2025-06-01T10:00:00.123456789Z for client 'c' is not after now"
                        + " (2025-06-01T10:00:00.123456Z)");
        assertFails(() -> store.clients().quarantine("c", " ", null, "a", null), KeyStoreException.Reason.INVALID,
                "quarantine reason is missing");
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).extracting(AuditEntry::action).containsExactly(
                AuditActions.CLIENT_RELEASE, AuditActions.CLIENT_QUARANTINE, AuditActions.CLIENT_QUARANTINE,
                AuditActions.CLIENT_ENROL);
    }

    @Test
    void setsLimits() {
        store.clients().enrol("c", key(), "alice", null);
        ClientRecord r = store.clients().setLimits("c", new ClientLimits(2.5, 10, null), "alice", null);
        assertThat(r.limits()).isEqualTo(new ClientLimits(2.5, 10, null));
        assertThat(store.clients().findByName("c").orElseThrow().limits()).isEqualTo(new ClientLimits(2.5, 10, null));
        assertThat(store.audit().page(Long.MAX_VALUE, 1).get(0).detail())
                .isEqualTo("messagesPerSecond=2.5, burst=10, bytesPerSecond=default");
        assertThat(store.clients().setLimits("c", null, "alice", null).limits()).isEqualTo(ClientLimits.DEFAULTS);
        assertThat(store.clients().setLimits("c", new ClientLimits(null, null, 1L << 40), "a", null).limits().bytesPerSecond())
                .isEqualTo(1L << 40);
    }

    @Test
    void clientChangesMoveOnlyOnCommittedChanges() {
        long before = store.clients().changes();
        store.clients().enrol("c", key(), "alice", null);
        assertThat(store.clients().changes()).isEqualTo(before + 1);
        assertThatThrownBy(() -> store.clients().release("c", "a", null)).isInstanceOf(KeyStoreException.class);
        store.clients().touchLastSeen(Map.of("c", clock.instant()));
        assertThat(store.clients().changes()).isEqualTo(before + 1);
        store.clients().revoke("c", "a", null);
        assertThat(store.clients().changes()).isEqualTo(before + 2);
    }

    @Test
    void touchesLastSeenInABatchWithoutAudit() {
        store.clients().enrol("a", key(), "alice", null);
        store.clients().enrol("b", key(), "alice", null);
        Instant t1 = Instant.parse("2025-06-01T11:00:00.000001Z");
        Map<String, Instant> seen = new LinkedHashMap<>();
        seen.put("a", t1);
        seen.put("b", t1.plusSeconds(5));
        seen.put("ghost", t1);
        store.clients().touchLastSeen(seen);
        assertThat(store.clients().findByName("a").orElseThrow().lastSeen()).isEqualTo(t1);
        assertThat(store.clients().findByName("b").orElseThrow().lastSeen()).isEqualTo(t1.plusSeconds(5));
        store.clients().touchLastSeen(Map.of("a", t1.minusSeconds(60)));
        assertThat(store.clients().findByName("a").orElseThrow().lastSeen()).isEqualTo(t1);
        store.clients().touchLastSeen(Map.of());
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).hasSize(2);
    }

    @Test
    void pagesTheAuditLogNewestFirst() {
        for (int i = 0; i < 25; i++) {
            store.audit().append("alice", "login", "alice", "n" + i, "1.2.3.4");
        }
        store.audit().append("bob", "login", "bob", null, null);
        List<AuditEntry> all = new ArrayList<>();
        long before = Long.MAX_VALUE;
        while (true) {
            List<AuditEntry> page = store.audit().page(before, 10);
            if (page.isEmpty()) {
                break;
            }
            assertThat(page.size()).isLessThanOrEqualTo(10);
            all.addAll(page);
            before = page.get(page.size() - 1).id();
        }
        assertThat(all).hasSize(26);
        assertThat(all.get(0).actor()).isEqualTo("bob");
        assertThat(all.get(1).detail()).isEqualTo("n24");
        assertThat(all.get(25).detail()).isEqualTo("n0");
        assertThat(all).extracting(AuditEntry::id).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        List<AuditEntry> alice = store.audit().pageFor("alice", Long.MAX_VALUE, 5);
        assertThat(alice).hasSize(5).allSatisfy(e -> assertThat(e.subject()).isEqualTo("alice"));
        assertThat(alice.get(0).detail()).isEqualTo("n24");
    }

    @Test
    void adminUsers() {
        AdminUser u = store.admins().create("admin", "hash1", true, "setup", "cli");
        assertThat(u.mustChangePassword()).isTrue();
        assertThat(u.createdAt()).isEqualTo(Instant.parse("2025-06-01T10:00:00.123456Z"));
        assertThat(u.passwordChangedAt()).isNull();
        assertThat(u.toString()).doesNotContain("hash1");
        assertFails(() -> store.admins().create("admin", "h", false, "setup", null),
                KeyStoreException.Reason.DUPLICATE_NAME, "an admin user named 'admin' already exists");

        clock.advance(Duration.ofHours(1));
        store.admins().updatePassword("admin", "hash2", false, "admin", "10.0.0.2");
        AdminUser changed = store.admins().find("admin").orElseThrow();
        assertThat(changed.passwordHash()).isEqualTo("hash2");
        assertThat(changed.mustChangePassword()).isFalse();
        assertThat(changed.passwordChangedAt()).isEqualTo(Instant.parse("2025-06-01T11:00:00.123456Z"));
        assertFails(() -> store.admins().updatePassword("ghost", "h", false, "admin", null),
                KeyStoreException.Reason.NOT_FOUND, "no admin user named 'ghost'");

        store.admins().create("aaron", "h", false, "admin", null);
        assertThat(store.admins().list()).extracting(AdminUser::name).containsExactly("aaron", "admin");
        assertThat(store.admins().find("nobody")).isEmpty();
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).extracting(AuditEntry::action).containsExactly(
                AuditActions.ADMIN_CREATE, AuditActions.ADMIN_PASSWORD, AuditActions.ADMIN_CREATE);
        assertThat(store.audit().page(Long.MAX_VALUE, 10)).allSatisfy(
                e -> assertThat(String.valueOf(e.detail())).doesNotContain("hash"));
    }

    @Test
    void apiTokens() {
        ApiToken t = store.tokens().create("ci", "h-ci", TokenScope.ADMIN, null, "admin", "cli");
        assertThat(t.isActive()).isTrue();
        assertThat(t.createdBy()).isEqualTo("admin");
        assertThat(t.toString()).doesNotContain("h-ci");
        assertFails(() -> store.tokens().create("ci", "other", TokenScope.ADMIN, null, "admin", null),
                KeyStoreException.Reason.DUPLICATE_NAME, "an API token named 'ci' already exists");
        assertFails(() -> store.tokens().create("ci2", "h-ci", TokenScope.ADMIN, null, "admin", null),
                KeyStoreException.Reason.DUPLICATE_KEY, "that token hash is already recorded for API token 'ci'");

        assertThat(store.tokens().findActiveByHash("h-ci")).contains(t);
        assertThat(store.tokens().findActiveByHash("unknown")).isEmpty();
        Instant used = clock.instant().plusSeconds(30);
        store.tokens().touch(t.id(), used);
        assertThat(store.tokens().findActiveByHash("h-ci").orElseThrow().lastUsedAt())
                .isEqualTo(used.truncatedTo(java.time.temporal.ChronoUnit.MICROS));

        store.tokens().revoke("ci", "admin", null);
        assertThat(store.tokens().findActiveByHash("h-ci")).isEmpty();
        assertThat(store.tokens().list()).singleElement().satisfies(x -> assertThat(x.revokedAt()).isNotNull());
        assertFails(() -> store.tokens().revoke("ci", "admin", null), KeyStoreException.Reason.INVALID,
                "API token 'ci' is already revoked (since 2025-06-01T10:00:00.123456Z)");
        assertFails(() -> store.tokens().revoke("zz", "admin", null), KeyStoreException.Reason.NOT_FOUND,
                "no API token named 'zz'");
    }

    @Test
    void apiTokensHaveAScopeAndMayExpire() {
        Instant expires = clock.instant().plus(Duration.ofDays(30));
        ApiToken scraper = store.tokens().create("prometheus", "h-p", TokenScope.METRICS, expires, "admin", "10.0.0.9");
        assertThat(scraper.scope()).isEqualTo(TokenScope.METRICS);
        assertThat(scraper.expiresAt()).isEqualTo(expires.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(scraper.isUsable(clock.instant())).isTrue();
        assertThat(scraper.isUsable(expires)).as("expired at its expiry").isFalse();
        assertThat(store.tokens().findActiveByHash("h-p").orElseThrow()).isEqualTo(scraper);
        assertThat(store.audit().pageFor("prometheus", Long.MAX_VALUE, 5)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("scope metrics, expires " + scraper.expiresAt()));
        ApiToken reader = store.tokens().create("reader", "h-r", TokenScope.READ_ONLY, null, "admin", null);
        assertThat(reader.expiresAt()).isNull();
        assertThat(reader.isUsable(clock.instant().plus(Duration.ofDays(36500)))).isTrue();

        assertFails(() -> store.tokens().create("late", "h-l", TokenScope.ADMIN, clock.instant(), "admin", null),
                KeyStoreException.Reason.INVALID, "expiry " + clock.instant() + " of API token 'late' is not after now ("
                        + clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS) + ")");
        assertFails(() -> store.tokens().create("none", "h-n", null, null, "admin", null),
                KeyStoreException.Reason.INVALID, "scope of API token 'none' is missing");
        assertThat(TokenScope.parse(" Read-Only ")).isEqualTo(TokenScope.READ_ONLY);
        assertThatThrownBy(() -> TokenScope.parse("root")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token scope 'root' is not one of admin, read-only, metrics");
    }

    @Test
    void survivesReopening() {
        String k = key();
        store.clients().enrol("kept", k, "alice", null);
        store.close();
        store = KeyStore.open(KeyStore.fileUrl(dir.resolve("data")), clock);
        assertThat(store.clients().findByKey(k).orElseThrow().name()).isEqualTo("kept");
        assertThat(store.schemaVersion()).isEqualTo(6);
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
            v1.admins().create("admin", "h", true, "setup", null);
        }
        // A client as the V1 release wrote it (this release's statements need the latest schema).
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO clients (name, public_key, status, enrolled_at, enrolled_by)"
                    + " VALUES ('legacy', '" + k + "', 'ACTIVE', CURRENT_TIMESTAMP, 'alice')");
            st.executeUpdate("INSERT INTO audit_log (at, actor, action, subject, detail, source)"
                    + " VALUES (CURRENT_TIMESTAMP, 'alice', 'client.enrol', 'legacy', '" + k + "', 'cli')");
        }
        try (KeyStore current = KeyStore.open(url, clock)) {
            assertThat(current.schemaVersion()).isEqualTo(6);
            assertThat(current.clients().findByName("legacy").orElseThrow().publicKey()).isEqualTo(k);
            assertThat(current.admins().find("admin")).isPresent();
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

    @Test
    void concurrentEnrolmentsAllLandOnceEach() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String name = "c" + (i % 20); // every name twice
                results.add(pool.submit(() -> {
                    try {
                        store.clients().enrol(name, key(), "t", null);
                        return "ok";
                    } catch (KeyStoreException e) {
                        return e.reason().name();
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(outcomes).filteredOn("ok"::equals).hasSize(20);
            assertThat(outcomes).filteredOn(o -> !o.equals("ok")).containsOnly("DUPLICATE_NAME");
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.clients().list()).hasSize(20);
        assertThat(store.audit().page(Long.MAX_VALUE, 100)).hasSize(20);
    }
}
