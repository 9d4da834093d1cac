package org.edgegateway.core.admin;

import java.time.Instant;

/**
 * The gateway's process as the dashboard shows it. Immutable.
 *
 * @param version       the release, or {@code (development build)} when run from classes
 * @param startedAt     when the gateway started serving
 * @param uptimeSeconds how long it has been serving
 * @param heapMaxBytes  the most heap the JVM may use, or -1 when it has no limit
 * @param processors    the processors the JVM may use
 * @param cpuUsage      the share of those processors the process used over the last 10-second point,
 *                      0 to 1; -1 before the first point or when the JVM does not report its CPU time
 */
public record ProcessView(String version, Instant startedAt, long uptimeSeconds, long heapUsedBytes,
                          long heapMaxBytes, int processors, double cpuUsage) {
}
