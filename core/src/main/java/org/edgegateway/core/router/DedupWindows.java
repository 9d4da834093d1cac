package org.edgegateway.core.router;

import java.util.LinkedHashMap;
import java.util.Map;
import org.edgegateway.protocol.Envelope;
import org.edgegateway.protocol.Reply;

/**
 * The last few versioned messages of each client, so that a retry carrying the same correlation id
 * is answered with the first answer instead of being processed twice. Not thread-safe: owned by
 * {@code egw-router}. Bounded: {@code perClient} ids per client, {@code clients} clients (least
 * recently active forgotten first).
 */
final class DedupWindows {
    /** Marks a message whose answer is still being worked out. */
    static final Reply IN_FLIGHT = Reply.pong(Envelope.CLASSIC);

    private final int perClient;
    private final Map<String, LinkedHashMap<DedupKey, Reply>> windows;

    DedupWindows(int perClient, int clients) {
        this.perClient = perClient;
        this.windows = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LinkedHashMap<DedupKey, Reply>> eldest) {
                return size() > clients;
            }
        };
    }

    boolean enabled() {
        return perClient > 0;
    }

    /** The stored answer, {@link #IN_FLIGHT}, or null when the id is new (and now recorded as in flight). */
    Reply begin(DedupKey key) {
        LinkedHashMap<DedupKey, Reply> w = windows.computeIfAbsent(key.clientKey(), k -> new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<DedupKey, Reply> eldest) {
                return size() > perClient;
            }
        });
        Reply seen = w.get(key);
        if (seen == null) {
            w.put(key, IN_FLIGHT);
        }
        return seen;
    }

    void complete(DedupKey key, Reply reply) {
        LinkedHashMap<DedupKey, Reply> w = windows.get(key.clientKey());
        if (w != null && w.containsKey(key)) {
            w.put(key, reply);
        }
    }

    /** Forgets an id whose message was not processed (BUSY, rate limited), so that a retry is. */
    void forget(DedupKey key) {
        LinkedHashMap<DedupKey, Reply> w = windows.get(key.clientKey());
        if (w != null) {
            w.remove(key);
        }
    }
}
