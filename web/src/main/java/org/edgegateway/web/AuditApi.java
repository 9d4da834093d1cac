package org.edgegateway.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.AuditCsv;
import org.edgegateway.keys.AuditFilter;

/**
 * The audit log, read-only: {@code /api/audit} a page at a time (JSON) and {@code /api/audit.csv}
 * for a spreadsheet ({@link AuditCsv}), both filtered by the same parameters in the key store's SQL:
 * {@code actor}, {@code action} (comma-separated; each matches itself and the actions below it),
 * {@code client} (the subject), {@code from} (inclusive) and {@code to} (exclusive). Thread-safe: the
 * admin service is.
 */
final class AuditApi {

    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 500;
    private static final int DEFAULT_EXPORT = 10_000;

    private final AdminService admin;

    AuditApi(AdminService admin) {
        this.admin = admin;
    }

    void addTo(ApiRoutes routes) {
        routes.only("GET", "/api/audit", this::page)
                .only("GET", "/api/audit.csv", this::csv);
    }

    /** Newest first, {@code ?limit=} 1..500 rows below the id {@code ?before=}, after {@code ?offset=}. */
    private Object page(Exchange x) {
        long before = x.query("before", Long.MAX_VALUE);
        int offset = x.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        int limit = x.queryInt("limit", DEFAULT_PAGE, 1, MAX_PAGE);
        return admin.audit(filter(x), before, offset, limit);
    }

    /** The rows the filter selects, newest first, {@code ?limit=} 1..100,000 (10,000) of them, as an attachment. */
    private Object csv(Exchange x) throws IOException {
        AuditFilter filter = filter(x);
        int limit = x.queryInt("limit", DEFAULT_EXPORT, 1, AuditCsv.MAX_ROWS);
        StringBuilder out = new StringBuilder();
        AuditCsv.write(admin, filter, limit, out);
        return new Endpoint.Download("text/csv; charset=utf-8", out.toString().getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Disposition", "attachment; filename=\"edge-gateway-audit.csv\""));
    }

    private static AuditFilter filter(Exchange x) {
        String actions = x.query("action");
        List<String> list = actions == null ? List.of() : Arrays.asList(actions.split(","));
        return new AuditFilter(x.query("actor"), list, x.query("client"), AuditFilter.time("from", x.query("from")),
                AuditFilter.time("to", x.query("to")));
    }
}
