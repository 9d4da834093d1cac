package org.edgegateway.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log of a {@link KeyStore}: append-only (there is no way to change or delete a row), read
 * newest first a page at a time. Thread-safe. The other parts of the store write the row of each
 * change themselves, with {@link #insert} inside the change's transaction; {@link #append} is for
 * what happens outside the store (a login, a plugin installed).
 */
public final class AuditLog {

    private static final int MAX_PAGE = 1000;
    private static final int MAX_ACTION = 64;
    private static final int MAX_SUBJECT = 128;
    private static final int MAX_DETAIL = 4000;
    private static final String COLUMNS = "id, at, actor, action, subject, detail, source";

    private final Database db;

    AuditLog(Database db) {
        this.db = db;
    }

    /** Appends an audit row (for actions the store does not audit itself, e.g. a login). */
    public void append(String actor, String action, String subject, String detail, String source) {
        StoreArgs.requireText("actor", actor, StoreArgs.MAX_ACTOR, true);
        StoreArgs.requireText("action", action, MAX_ACTION, true);
        StoreArgs.requireText("subject", subject, MAX_SUBJECT, false);
        StoreArgs.requireText("detail", detail, MAX_DETAIL, false);
        StoreArgs.requireText("source", source, StoreArgs.MAX_SOURCE, false);
        Instant now = db.now();
        db.inTransaction("append audit row", c -> {
            insert(c, now, actor, action, subject, detail, source);
            return null;
        });
    }

    /**
     * Up to {@code limit} (1 to 1000) audit rows with an id below {@code beforeId}, newest first.
     * Start with {@code Long.MAX_VALUE}, then pass the smallest id of the previous page.
     */
    public List<AuditEntry> page(long beforeId, int limit) {
        requirePage(limit);
        return db.query("read audit log", c -> rows(c,
                "SELECT " + COLUMNS + " FROM audit_log WHERE id < ? ORDER BY id DESC",
                limit, ps -> ps.setLong(1, beforeId)));
    }

    /** Like {@link #page} for the rows about one subject (a client, user or token name). */
    public List<AuditEntry> pageFor(String subject, long beforeId, int limit) {
        requirePage(limit);
        StoreArgs.requireText("subject", subject, MAX_SUBJECT, true);
        return db.query("read audit log of '" + subject + "'", c -> rows(c,
                "SELECT " + COLUMNS + " FROM audit_log WHERE subject = ? AND id < ? ORDER BY id DESC",
                limit, ps -> {
                    ps.setString(1, subject);
                    ps.setLong(2, beforeId);
                }));
    }

    /**
     * Writes the audit row of a change on the change's own connection {@code c}, inside its
     * transaction, so that both commit or neither does. A detail over the column's size is cut.
     */
    static void insert(Connection c, Instant at, String actor, String action, String subject, String detail,
                       String source) throws SQLException {
        String d = detail;
        if (d != null && d.length() > MAX_DETAIL) {
            d = d.substring(0, MAX_DETAIL - 3) + "...";
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_log (at, actor, action, subject, detail, source) VALUES (?, ?, ?, ?, ?, ?)")) {
            Database.setInstant(ps, 1, at);
            ps.setString(2, actor);
            ps.setString(3, action);
            ps.setString(4, subject);
            ps.setString(5, d);
            ps.setString(6, source);
            ps.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static List<AuditEntry> rows(Connection c, String sql, int limit, Binder binder) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && out.size() < limit) {
                    out.add(new AuditEntry(rs.getLong(1), Database.instant(rs, 2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    private static void requirePage(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "page size must be 1 to " + MAX_PAGE + ", got " + limit);
        }
    }
}
