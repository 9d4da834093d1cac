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
 * newest first a page at a time, searched by an {@link AuditFilter} in SQL. Thread-safe. The other parts of the store write the row of each
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
        return search(AuditFilter.NONE, beforeId, 0, limit);
    }

    /** Like {@link #page} for the rows about one subject (a client, user or token name). */
    public List<AuditEntry> pageFor(String subject, long beforeId, int limit) {
        StoreArgs.requireText("subject", subject, MAX_SUBJECT, true);
        return search(AuditFilter.about(subject), beforeId, 0, limit);
    }

    /**
     * Up to {@code limit} (1 to 1000) of the rows {@code filter} selects with an id below
     * {@code beforeId}, newest first, after skipping {@code offset} of them. Page on with the
     * smallest id seen as {@code beforeId} (each page then costs the same however deep it is), or
     * with {@code offset} (which the database walks past).
     *
     * @throws KeyStoreException INVALID for a bad offset or limit
     */
    public List<AuditEntry> search(AuditFilter filter, long beforeId, int offset, int limit) {
        requirePage(limit);
        if (offset < 0) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "offset must be 0 or more, got " + offset);
        }
        AuditFilter f = filter == null ? AuditFilter.NONE : filter;
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE id < ?");
        List<Object> params = new ArrayList<>();
        params.add(beforeId);
        if (f.actor() != null) {
            sql.append(" AND actor = ?");
            params.add(f.actor());
        }
        if (!f.actions().isEmpty()) {
            List<String> any = new ArrayList<>();
            for (String action : f.actions()) {
                any.add("action = ? OR action LIKE ? ESCAPE '\\'");
                params.add(action);
                params.add(Database.escapeLike(action) + ".%");
            }
            sql.append(" AND (").append(String.join(" OR ", any)).append(')');
        }
        if (f.subject() != null) {
            sql.append(" AND subject = ?");
            params.add(f.subject());
        }
        if (f.from() != null) {
            sql.append(" AND at >= ?");
            params.add(f.from());
        }
        if (f.to() != null) {
            sql.append(" AND at < ?");
            params.add(f.to());
        }
        sql.append(" ORDER BY id DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY");
        params.add((long) offset);
        params.add((long) limit);
        return db.query("search the audit log", c -> rows(c, sql.toString(), params));
    }

    /**
     * Writes the audit row of a change on the change's own connection {@code c}, inside its
     * transaction, so that both commit or neither does. A detail over the column's size is cut.
     */
    static void insert(Connection c, Instant at, String actor, String action, String subject, String detail,
                       String source) throws SQLException {
        try (PreparedStatement ps = prepareInsert(c)) {
            bindInsert(ps, at, actor, action, subject, detail, source);
            ps.executeUpdate();
        }
    }

    /** The statement {@link #bindInsert} fills, for a change that writes many rows in a batch. */
    static PreparedStatement prepareInsert(Connection c) throws SQLException {
        return c.prepareStatement(
                "INSERT INTO audit_log (at, actor, action, subject, detail, source) VALUES (?, ?, ?, ?, ?, ?)");
    }

    /** Sets the parameters of an audit row on {@code ps} ({@link #prepareInsert}); a detail over the column's size is cut. */
    static void bindInsert(PreparedStatement ps, Instant at, String actor, String action, String subject,
                           String detail, String source) throws SQLException {
        String d = detail;
        if (d != null && d.length() > MAX_DETAIL) {
            d = d.substring(0, MAX_DETAIL - 3) + "...";
        }
        Database.setInstant(ps, 1, at);
        ps.setString(2, actor);
        ps.setString(3, action);
        ps.setString(4, subject);
        ps.setString(5, d);
        ps.setString(6, source);
    }

    private static List<AuditEntry> rows(Connection c, String sql, List<Object> params) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof Instant at) {
                    Database.setInstant(ps, i + 1, at);
                } else if (p instanceof Long n) {
                    ps.setLong(i + 1, n);
                } else {
                    ps.setString(i + 1, (String) p);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
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
