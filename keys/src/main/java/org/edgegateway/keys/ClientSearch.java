package org.edgegateway.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The queries that list clients a page at a time for {@link Clients}: a {@link ClientFilter} as a
 * WHERE clause, a {@link ClientOrder} as an ORDER BY whose ties go by name, the page by OFFSET and
 * FETCH; so a page of 10,000 clients reads its own rows and a count, and nothing is sorted outside
 * the database. Every value travels as a parameter; the SQL holds only constants. Stateless.
 */
final class ClientSearch {

    private ClientSearch() {
    }

    /** A filter's WHERE clause (empty for none) and its parameters, in order. */
    private record Where(String sql, List<String> params) {

        static Where of(ClientFilter filter) {
            List<String> terms = new ArrayList<>();
            List<String> params = new ArrayList<>();
            if (filter.text() != null) {
                terms.add("(LOWER(name) LIKE ? ESCAPE '\\' OR public_key LIKE ? ESCAPE '\\')");
                params.add("%" + Database.escapeLike(filter.text().toLowerCase(Locale.ROOT)) + "%");
                params.add(Database.escapeLike(filter.text()) + "%");
            }
            if (filter.status() != null) {
                terms.add("status = ?");
                params.add(filter.status().name());
            }
            return new Where(terms.isEmpty() ? "" : " WHERE " + String.join(" AND ", terms), params);
        }

        /** Binds the parameters from index 1; returns the next free index. */
        int bind(PreparedStatement ps) throws SQLException {
            int i = 1;
            for (String p : params) {
                ps.setString(i++, p);
            }
            return i;
        }
    }

    /** Rows {@code offset} to {@code offset + limit - 1} of the clients {@code filter} holds, and how many it holds. */
    static Clients.Page page(Connection c, ClientFilter filter, ClientOrder order, boolean descending, int offset,
                             int limit) throws SQLException {
        Where where = Where.of(filter);
        int total;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM clients" + where.sql())) {
            where.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getInt(1);
            }
        }
        List<ClientRecord> rows = new ArrayList<>(Math.min(limit, Math.max(0, total - offset)));
        if (offset < total) {
            String sql = "SELECT " + Clients.COLUMNS + " FROM clients" + where.sql() + " ORDER BY " + orderBy(order,
                    descending) + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = where.bind(ps);
                ps.setInt(i, offset);
                ps.setInt(i + 1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(Clients.row(rs));
                    }
                }
            }
        }
        return new Clients.Page(rows, total);
    }

    /** In the database's own null order (lowest first), spelled out so another database keeps it. */
    private static String orderBy(ClientOrder order, boolean descending) {
        if (order == ClientOrder.NAME) {
            return descending ? "name DESC" : "name ASC";
        }
        return order.column + (descending ? " DESC NULLS LAST" : " ASC NULLS FIRST") + ", name ASC";
    }

    /** The names of every client {@code filter} holds, by name. */
    static List<String> names(Connection c, ClientFilter filter) throws SQLException {
        Where where = Where.of(filter);
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM clients" + where.sql() + " ORDER BY name")) {
            where.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The clients of {@code names} that exist, by name. */
    static List<ClientRecord> byNames(Connection c, Collection<String> names) throws SQLException {
        List<ClientRecord> out = new ArrayList<>(names.size());
        if (names.isEmpty()) {
            return out;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(names.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Clients.COLUMNS + " FROM clients WHERE name IN ("
                + marks + ") ORDER BY name")) {
            int i = 1;
            for (String n : names) {
                ps.setString(i++, n);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Clients.row(rs));
                }
            }
        }
        return out;
    }
}
