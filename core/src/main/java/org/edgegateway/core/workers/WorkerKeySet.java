package org.edgegateway.core.workers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.KeyCache;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.WorkerRecord;

/**
 * The active worker keys (Z85) and their names: what the ZAP handler admits on the workers' port, and
 * what a READY is checked against (a key revoked after its handshake). Thread-safe: any thread replaces
 * the set whole (one volatile map); the ZAP thread and the router thread read it.
 */
final class WorkerKeySet {
    private volatile Map<String, String> names = Map.of();

    /** The keys as enrolled now; revoked ones are left out. */
    void replace(List<WorkerRecord> records) {
        Map<String, String> next = new HashMap<>();
        for (WorkerRecord r : records) {
            if (r.active()) {
                next.put(r.publicKey(), r.name());
            }
        }
        names = Map.copyOf(next);
    }

    /** The name of an active worker key, or null. */
    String name(String publicKeyZ85) {
        return publicKeyZ85 == null ? null : names.get(publicKeyZ85);
    }

    /** The ZAP look-up of the workers' domain: an entry for an active worker key, else null. */
    KeyCache.Entry entry(String publicKeyZ85) {
        String name = name(publicKeyZ85);
        return name == null ? null
                : new KeyCache.Entry(name, publicKeyZ85, ClientStatus.ACTIVE, ClientLimits.DEFAULTS, null);
    }
}
