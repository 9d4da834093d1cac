package org.edgegateway.core.router;

import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.ClientTotals;
import org.edgegateway.core.admin.ConnectionView;

/**
 * The connection table as published for admin threads, in one piece: the authenticated connections,
 * and per client name what its ended connections added up to since start. A connection's counts are
 * in exactly one of the two. Immutable.
 */
public record ConnectionsSnapshot(List<ConnectionView> connections, Map<String, ClientTotals> ended) {
}
