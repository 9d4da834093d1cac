package org.edgegateway.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open database under a {@link KeyStore}, shared by its parts ({@link Clients}, {@link AuditLog},
 * {@link AdminUsers}, {@link ApiTokens}, {@link WorkerKeys}, {@link Claims}, {@link Backups}):
 * thread-safe. It owns the connection pool and the clock, and runs each unit of work on one
 * connection of the pool, either in one transaction ({@link #inTransaction}) or reading
 * ({@link #query}).
 *
 * <p>The rule every part keeps: a change is one transaction ({@link #inTransaction},
 * {@link #insertUnique}) whose work writes its audit row ({@link AuditLog#insert}) on the same
 * connection, so the row commits with the change or not at all. Only the bookkeeping of last-seen
 * times and token use writes no audit row.
 */
final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(KeyStore.class);

    static final String USER = "sa";
    static final String PASSWORD = "";
    private static final int MAX_CONNECTIONS = 8;

    private final JdbcConnectionPool pool;
    private final Clock clock;
    private final String location;
    private final int schemaVersion;
    private volatile boolean closed;

    private Database(JdbcConnectionPool pool, Clock clock, String location, int schemaVersion) {
        this.pool = pool;
        this.clock = clock;
        this.location = location;
        this.schemaVersion = schemaVersion;
    }

    /**
     * Opens the database at {@code jdbcUrl} (checked by {@link StoreUrls#check}), makes its commits
     * durable and applies the migrations up to {@code target} (see {@link KeyStore#open}).
     */
    static Database open(String jdbcUrl, Clock clock, String target, List<String> extraLocations) {
        if (clock == null) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "clock is null");
        }
        String location = StoreUrls.check(jdbcUrl);
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, USER, PASSWORD);
        pool.setMaxConnections(MAX_CONNECTIONS);
        try {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                // durable commits whatever URL the caller gave (a persistent H2 setting)
                s.execute("SET WRITE_DELAY 0");
            }
            int version = Migrations.migrate(pool, location, target, extraLocations);
            LOG.info("KeyStore {}: open, schema version {}", location, version);
            return new Database(pool, clock, location, version);
        } catch (SQLException e) {
            pool.dispose();
            throw openFailure(location, e);
        } catch (RuntimeException | Error e) {
            pool.dispose();
            throw e;
        }
    }

    private static KeyStoreException openFailure(String location, SQLException e) {
        int code = errorCode(e);
        String message;
        if (code == ErrorCode.DATABASE_ALREADY_OPEN_1) {
            message = "key store " + location + " is in use by another process"
                    + " (is a gateway or another tool already running on this data directory?)";
        } else if (code == ErrorCode.FILE_CORRUPTED_1) {
            message = "key store " + location + " is corrupted; restore it from a backup";
        } else if (code == ErrorCode.WRONG_USER_OR_PASSWORD) {
            message = "key store " + location + " is not an Edge Gateway key store (it refused our user)";
        } else {
            message = "cannot open key store " + location + ": " + describe(e);
        }
        return new KeyStoreException(KeyStoreException.Reason.STORAGE, message, e);
    }

    private static int errorCode(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() != 0) {
                return s.getErrorCode();
            }
        }
        return 0;
    }

    /** The highest migration applied. */
    int schemaVersion() {
        return schemaVersion;
    }

    /** Where the database is, for messages (the file path of a file store). */
    String location() {
        return location;
    }

    /** Now, truncated to microseconds (the precision of the columns). */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T inTransaction(String what, Work<T> work) {
        checkOpen();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    @FunctionalInterface
    interface Check {
        void run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code check} and then {@code insert} in one transaction, {@code check} throwing when a
     * name or key is taken. When a unique constraint refuses the insert all the same (another
     * transaction took the name or key between the two), runs {@code check} again on its own, so that
     * the exception says which and who holds it; any other failure is thrown as it is.
     */
    <T> T insertUnique(String what, Check check, Work<T> insert) {
        try {
            return inTransaction(what, c -> {
                check.run(c);
                return insert.run(c);
            });
        } catch (KeyStoreException e) {
            if (isUniqueViolation(e)) {
                query(what, c -> {
                    check.run(c);
                    return null;
                });
            }
            throw e;
        }
    }

    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Every row that {@code sql} (a query without parameters) selects, read by {@code row}, in order. */
    <T> List<T> list(String what, String sql, Row<T> row) {
        return query(what, c -> {
            List<T> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row.read(rs));
                }
            }
            return out;
        });
    }

    /** The first row that {@code sql}, its one parameter set to {@code value}, selects on {@code c}. */
    static <T> Optional<T> selectOne(Connection c, String sql, String value, Row<T> row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row.read(rs)) : Optional.empty();
            }
        }
    }

    /** Runs {@code work} on a connection in auto-commit mode (reads, and H2's {@code BACKUP}). */
    <T> T query(String what, Work<T> work) {
        checkOpen();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private KeyStoreException failure(String what, SQLException e) {
        return new KeyStoreException(KeyStoreException.Reason.STORAGE,
                "key store " + location + ": cannot " + what + ": " + describe(e), e);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.warn("KeyStore: rollback failed: {}", e.toString());
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new KeyStoreException(KeyStoreException.Reason.STORAGE, "key store " + location + " is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the pool; work afterwards fails with STORAGE. Idempotent. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.dispose();
        LOG.info("KeyStore {}: closed", location);
    }

    /** The driver's message without any SQL text. */
    static String describe(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int sql = m.indexOf("; SQL statement:");
        if (sql >= 0) {
            m = m.substring(0, sql);
        }
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        return m.trim() + " [SQLState " + e.getSQLState() + "]";
    }

    /** Whether {@code e} is a unique constraint that refused a row (another transaction won a race). */
    static boolean isUniqueViolation(KeyStoreException e) {
        return e.reason() == KeyStoreException.Reason.STORAGE
                && e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState());
    }

    /** {@code text} for a LIKE pattern with {@code ESCAPE '\'}: its {@code %}, {@code _} and backslashes match themselves. */
    static String escapeLike(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '%' || ch == '_' || ch == '\\') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }

    static void setInstant(PreparedStatement ps, int index, Instant at) throws SQLException {
        if (at == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
        }
    }

    static Instant instant(ResultSet rs, int index) throws SQLException {
        OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
