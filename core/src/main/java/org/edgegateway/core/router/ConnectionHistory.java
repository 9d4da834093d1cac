package org.edgegateway.core.router;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.ConnectionEvent;

/**
 * The last connections and disconnections of each client since the gateway started, for the client's
 * admin page. Owned by {@code egw-router}: the {@link ConnectionTable} writes it, admin threads read it
 * through {@link Router#connectionHistory}; not thread-safe.
 *
 * <p>Bounded: at most {@value #PER_CLIENT} events per client (the oldest go first), for the
 * {@value #CLIENTS} clients that connected or disconnected most recently (the client longest quiet
 * goes first), so a reconnect storm of every enrolled sensor costs at most
 * {@value #PER_CLIENT} x {@value #CLIENTS} small records that share the connection's strings. A
 * connection is recorded when its first message binds it to its key; one that never sends is not.
 * Cost: one event per connect or disconnect, nothing per message.
 */
final class ConnectionHistory {

    static final int PER_CLIENT = 20;
    static final int CLIENTS = 4096;

    /** By client name, in the order their last event came (oldest first). */
    private final LinkedHashMap<String, ArrayDeque<ConnectionEvent>> byName = new LinkedHashMap<>();

    void connected(String name, String peer, Instant at) {
        add(name, new ConnectionEvent(ConnectionEvent.Kind.CONNECTED, at, peer, 0, 0));
    }

    void disconnected(String name, String peer, Instant at, long messages, long bytes) {
        add(name, new ConnectionEvent(ConnectionEvent.Kind.DISCONNECTED, at, peer, messages, bytes));
    }

    private void add(String name, ConnectionEvent event) {
        ArrayDeque<ConnectionEvent> events = byName.remove(name);
        if (events == null) {
            events = new ArrayDeque<>(4);
            if (byName.size() >= CLIENTS) {
                Iterator<Map.Entry<String, ArrayDeque<ConnectionEvent>>> quietest = byName.entrySet().iterator();
                quietest.next();
                quietest.remove();
            }
        }
        if (events.size() == PER_CLIENT) {
            events.removeFirst();
        }
        events.addLast(event);
        byName.put(name, events);
    }

    /** The events of {@code name}, newest first: a copy. */
    List<ConnectionEvent> of(String name) {
        ArrayDeque<ConnectionEvent> events = byName.get(name);
        if (events == null) {
            return List.of();
        }
        List<ConnectionEvent> out = new ArrayList<>(events.size());
        events.descendingIterator().forEachRemaining(out::add);
        return out;
    }

    /** How many clients have events. */
    int clients() {
        return byName.size();
    }
}
