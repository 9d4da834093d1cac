package org.edgegateway.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.ClientTotals;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.admin.ConnectionView;
import org.edgegateway.core.router.ConnectionsSnapshot;
import org.edgegateway.keys.ClientRecord;

/**
 * The router's published connections as admin views join them to stored clients: per client name,
 * its live connection (the first by address) and what its ended connections added up to. A name is
 * looked up by binary search in the snapshot's list (sorted by name), so a page of 50 clients costs
 * 50 look-ups however many are connected, and nothing is copied. Immutable.
 */
final class LiveClients {

    /** No connection at all: a gateway that is not running. */
    static final LiveClients NONE = new LiveClients(new ConnectionsSnapshot(List.of(), Map.of()));

    private final List<ConnectionView> connections;
    private final Map<String, ClientTotals> ended;

    LiveClients(ConnectionsSnapshot snapshot) {
        this.connections = snapshot.connections();
        this.ended = snapshot.ended();
    }

    /** Whether any client has sent anything since the gateway started (else every count is 0). */
    boolean anyTraffic() {
        return !connections.isEmpty() || !ended.isEmpty();
    }

    /** The first live connection of {@code name} by address, or null. */
    ConnectionView connection(String name) {
        int low = 0;
        int high = connections.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (connections.get(mid).clientName().compareTo(name) < 0) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low < connections.size() && connections.get(low).clientName().equals(name) ? connections.get(low) : null;
    }

    /** The messages of {@code name} since the gateway started, as {@link #view} counts them. */
    long messages(String name) {
        ConnectionView c = connection(name);
        ClientTotals e = ended.get(name);
        return (e == null ? 0 : e.messages()) + (c == null ? 0 : c.messages());
    }

    /**
     * The stored record joined with its live connection and its ended connections' totals. Last seen
     * is the latest of the three, so it never moves back when a connection ends before the next flush
     * of last-seen times reaches the store.
     */
    ClientView view(ClientRecord r) {
        ConnectionView c = connection(r.name());
        ClientTotals e = ended.get(r.name());
        Instant seen = latest(r.lastSeen(), e == null ? null : e.lastSeen());
        seen = latest(seen, c == null ? null : c.lastMessageAt());
        long liveMessages = c == null ? 0 : c.messages();
        long liveBytes = c == null ? 0 : c.bytes();
        return new ClientView(r.name(), r.publicKey(), r.status(), r.enrolledAt(), r.enrolledBy(), seen, r.limits(),
                r.quarantineReason(), r.quarantineUntil(), c != null, c == null ? null : c.peerAddress(),
                (e == null ? 0 : e.messages()) + liveMessages, (e == null ? 0 : e.bytes()) + liveBytes,
                liveMessages, liveBytes);
    }

    static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
