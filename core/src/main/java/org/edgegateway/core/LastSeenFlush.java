package org.edgegateway.core;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.edgegateway.core.admin.ConnectionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes clients' last-message times to the key store, every {@code store.last-seen-flush}: only the
 * times that moved since they were last written. Ten thousand connected clients that say nothing
 * cost no database write at all (before, each flush rewrote every connected client's row, and the
 * store's file grew and was compacted for nothing). A failed write is tried again at the next flush.
 *
 * <p>Runs on the housekeeping thread only; not thread-safe.
 */
final class LastSeenFlush {
    private static final Logger LOG = LoggerFactory.getLogger(LastSeenFlush.class);

    /** Per client name, the time last written, for the clients still connected at the last flush. */
    private final Map<String, Instant> written = new HashMap<>();
    /** Times of clients that left, not yet written (a write failed). */
    private final Map<String, Instant> departedPending = new HashMap<>();

    /**
     * What to write now: the departed clients' times and the connected clients' times that moved
     * since last written. Call {@link #written} once they are stored.
     */
    Map<String, Instant> changes(Map<String, Instant> departed, Iterable<ConnectionView> connected) {
        departed.forEach((name, at) -> departedPending.merge(name, at, LastSeenFlush::later));
        Map<String, Instant> out = new HashMap<>(departedPending);
        for (ConnectionView c : connected) {
            Instant at = c.lastMessageAt();
            if (at == null) {
                continue;
            }
            Instant before = written.get(c.clientName());
            if (before == null || at.isAfter(before)) {
                out.merge(c.clientName(), at, LastSeenFlush::later);
            }
        }
        return out;
    }

    /** {@code stored}, from {@link #changes}, is in the key store. */
    void written(Map<String, Instant> stored) {
        stored.forEach((name, at) -> {
            if (departedPending.remove(name) != null) {
                // gone: nothing left to compare with (a new connection starts over)
                written.remove(name);
            } else {
                written.merge(name, at, LastSeenFlush::later);
            }
        });
    }

    /** One flush: computes the changes, hands them to {@code store} and remembers them if it returns. */
    void flush(Map<String, Instant> departed, Iterable<ConnectionView> connected, Consumer<Map<String, Instant>> store) {
        Map<String, Instant> changes = changes(departed, connected);
        if (changes.isEmpty()) {
            return;
        }
        try {
            store.accept(changes);
            written(changes);
        } catch (RuntimeException e) {
            LOG.warn("gateway: cannot record last-seen times (tried again at the next flush): {}", e.getMessage());
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
