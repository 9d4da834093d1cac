package org.edgegateway.core.admin;

import java.time.Instant;

/**
 * One message a plugin handled, as the admin UI shows it. Immutable.
 *
 * @param preview the first bytes of the payload as UTF-8 text (malformed bytes replaced), at most 256
 * @param outcome {@code ACK} or the error code the client got
 */
public record RecentMessage(String clientName, String type, Instant receivedAt, int size, String preview,
                            String outcome, String detail) {
}
