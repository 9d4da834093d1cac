package org.edgegateway.core.workers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The connected workers by the routing id of their connection. Owned by the router thread. */
final class WorkerRegistry {
    private final Map<String, ConnectedWorker> workers = new HashMap<>();

    /** The worker of a connection, or null when it has not announced itself (or was removed). */
    ConnectedWorker get(String id) {
        return workers.get(id);
    }

    void add(ConnectedWorker w) {
        workers.put(w.id, w);
    }

    /** Takes {@code w} out; false when it was out already. */
    boolean remove(ConnectedWorker w) {
        return workers.remove(w.id) != null;
    }

    /** A copy of the workers now, so that the caller may remove some while it walks it. */
    List<ConnectedWorker> all() {
        return new ArrayList<>(workers.values());
    }

    /** Something was sent to the connection {@code routingId} at {@code now}. */
    void sent(byte[] routingId, long now) {
        ConnectedWorker w = workers.get(WorkerSocket.id(routingId));
        if (w != null) {
            w.lastSent = now;
        }
    }

    /** The workers as the CLI, the UI and the API show them, by name, then peer address. */
    List<WorkerView> views() {
        List<WorkerView> out = new ArrayList<>();
        for (ConnectedWorker w : workers.values()) {
            out.add(w.view());
        }
        out.sort(Comparator.comparing(WorkerView::name).thenComparing(WorkerView::peerAddress));
        return List.copyOf(out);
    }
}
