package org.edgegateway.core.admin;

import java.io.IOException;
import java.util.List;
import org.edgegateway.keys.AuditEntry;
import org.edgegateway.keys.AuditFilter;

/**
 * The audit log as CSV, one writer for the API's download and the CLI: RFC 4180 (comma-separated,
 * CRLF line ends, a header line; a field holding a comma, a double quote or a line end is put in
 * double quotes, its quotes doubled). Stateless.
 *
 * <p>Formula injection: the log holds what callers and sensors chose (client names, quarantine
 * reasons, token names, addresses), and a spreadsheet runs a cell that starts with {@code =},
 * {@code +}, {@code -} or {@code @} (or a tab or carriage return, which some read past) as a formula
 * in whoever opens the export. Such a cell is written with a single quote in front, which shows as
 * text and runs nothing; the quote is the only change, so a reader can take it off again.
 */
public final class AuditCsv {

    /** The header line's fields, in order. */
    public static final List<String> HEADER = List.of("id", "at", "actor", "action", "subject", "detail", "source");
    /** The most rows one export writes. */
    public static final int MAX_ROWS = 100_000;
    private static final int PAGE = 1000;

    private AuditCsv() {
    }

    /**
     * Writes the header and up to {@code maxRows} (1 to {@value #MAX_ROWS}) rows that {@code filter}
     * selects, newest first, read from {@code admin} a page at a time; returns how many rows it wrote.
     */
    public static int write(AdminService admin, AuditFilter filter, int maxRows, Appendable out) throws IOException {
        if (maxRows < 1 || maxRows > MAX_ROWS) {
            throw new IllegalArgumentException("an export holds 1 to " + MAX_ROWS + " rows, asked for " + maxRows);
        }
        line(out, HEADER);
        int written = 0;
        long before = Long.MAX_VALUE;
        while (written < maxRows) {
            int want = Math.min(PAGE, maxRows - written);
            List<AuditEntry> page = admin.audit(filter, before, 0, want);
            for (AuditEntry e : page) {
                line(out, List.of(Long.toString(e.id()), e.at() == null ? "" : e.at().toString(), text(e.actor()),
                        text(e.action()), text(e.subject()), text(e.detail()), text(e.source())));
            }
            written += page.size();
            if (page.size() < want) {
                break;
            }
            before = page.get(page.size() - 1).id();
        }
        return written;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static void line(Appendable out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    /** One field: defused if a spreadsheet would take it for a formula, then quoted if it must be. */
    static String cell(String value) {
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
