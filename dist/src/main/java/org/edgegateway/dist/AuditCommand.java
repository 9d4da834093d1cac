package org.edgegateway.dist;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AuditCsv;
import org.edgegateway.keys.AuditEntry;
import org.edgegateway.keys.AuditFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code audit}: the audit log, newest first, filtered as the API filters it (by who, action, client
 * and time, in the key store's SQL), as a table or as CSV ({@link AuditCsv}, the API's export).
 */
@Command(name = "audit", description = "Show the audit log, newest first, filtered; or export it as CSV.")
final class AuditCommand implements Callable<Integer> {
    private static final int TABLE_LIMIT = 1000;
    private static final int CSV_DEFAULT = 10_000;

    @ParentCommand
    Main main;

    @Option(names = "--actor", paramLabel = "WHO", description = "who did it, exactly: admin, token:ci, cli:root")
    String actor;

    @Option(names = "--action", paramLabel = "ACTION", split = ",",
            description = "an action and those below it (client matches client.enrol); comma-separated or repeated")
    List<String> actions;

    @Option(names = "--client", paramLabel = "NAME", description = "what it was done to: a client's name")
    String client;

    @Option(names = "--from", paramLabel = "TIME", description = "from this time on, e.g. 2026-01-01T00:00:00Z")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "before this time")
    String to;

    @Option(names = "--limit", paramLabel = "N",
            description = "at most N entries: 1 to 1000 (50) as a table, 1 to 100000 (10000) as CSV")
    Integer limit;

    @Option(names = "--csv", description = "write CSV (RFC 4180; cells that a spreadsheet would run start with ')")
    boolean csv;

    @Override
    public Integer call() throws IOException {
        AuditFilter filter = new AuditFilter(actor, actions, client, AuditFilter.time("--from", from),
                AuditFilter.time("--to", to));
        try (CommandBackend session = CommandBackend.open(main.home())) {
            if (csv) {
                Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
                AuditCsv.write(session.admin(), filter, limit == null ? CSV_DEFAULT : limit, out);
                out.flush();
                return Main.OK;
            }
            int n = limit == null ? 50 : limit;
            if (n < 1 || n > TABLE_LIMIT) {
                throw new IllegalArgumentException("--limit " + n + " is not in 1.." + TABLE_LIMIT
                        + " for a table (use --csv for more)");
            }
            String format = "%-20s %-20s %-22s %-24s %s%n";
            System.out.printf(format, "AT", "WHO", "ACTION", "SUBJECT", "DETAIL");
            for (AuditEntry e : session.admin().audit(filter, Long.MAX_VALUE, 0, n)) {
                System.out.printf(format, Times.iso(e.at(), "-"), e.actor(), e.action(),
                        e.subject() == null ? "-" : e.subject(), e.detail() == null ? "" : e.detail());
            }
        }
        return Main.OK;
    }
}
