package org.edgegateway.keys;

import java.time.Instant;

/**
 * One row of the append-only audit log.
 *
 * @param actor   who did it (an admin user name, "cli", "system", ...)
 * @param action  what was done, e.g. {@link AuditActions#CLIENT_ENROL}
 * @param subject what it was done to (a client, user or token name), or null
 * @param detail  free text, or null
 * @param source  where it came from (a remote address, "cli", ...), or null
 */
public record AuditEntry(long id, Instant at, String actor, String action, String subject,
                         String detail, String source) {
}
