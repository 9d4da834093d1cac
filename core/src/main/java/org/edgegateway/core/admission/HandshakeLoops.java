package org.edgegateway.core.admission;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgegateway.core.KeyCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds enrolled keys that reconnect in a loop, and quarantines them. Thread-safe: called by the ZAP
 * thread for every handshake of an enrolled, allowed key; one lock guards the counters, and the
 * quarantine is only queued (never stored) under it.
 *
 * <p>A key admitted {@code loopHandshakes} times within {@code loopWindow} is in a loop (a client
 * that connects, sends, disconnects, or one whose every connection breaks at once): that handshake
 * is refused and a {@link QuarantineRequest} goes to the {@link Quarantiner}, which stores it,
 * updates the key cache (the ZAP handler refuses the key from then on, across restarts) and audits
 * it, as for a client that floods. The key's neighbours behind the same address are not affected:
 * address bans ({@link BanList}) never count successful handshakes.
 *
 * <p>Who wins when the quarantine is queued: the counter starts again at once, so until the store
 * has answered (milliseconds) the key may be admitted a few more times; from then on the key cache
 * refuses it. A full quarantine queue refuses the handshake and asks again at the next one.
 *
 * <p>Memory: one counter per enrolled key that handshakes (only keys the key cache admits get here),
 * at most {@code capacity}, the least recently seen forgotten first.
 */
public final class HandshakeLoops {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeLoops.class);

    private final AdmissionConfig config;
    private final QuarantineQueue quarantines;
    private final Clock clock;
    private final Map<String, SlidingWindowCounter> counters;

    public HandshakeLoops(AdmissionConfig config, QuarantineQueue quarantines, Clock clock, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("handshake loops: capacity < 1: " + capacity);
        }
        this.config = config;
        this.quarantines = quarantines;
        this.clock = clock;
        this.counters = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SlidingWindowCounter> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Counts a handshake of {@code client}, an enrolled key the key cache allows; false when it is one
     * too many (refuse it: the key is being quarantined).
     */
    public boolean admit(KeyCache.Entry client) {
        long ms = clock.millis();
        long window = config.loopWindow().toMillis();
        double seen;
        synchronized (this) {
            SlidingWindowCounter c = counters.get(client.publicKey());
            if (c == null) {
                c = new SlidingWindowCounter(window, ms);
                counters.put(client.publicKey(), c);
            }
            seen = c.add(ms);
            if (seen < config.loopHandshakes()) {
                return true;
            }
            String reason = "reconnect loop: " + (long) seen + " handshakes within " + config.loopWindow().toSeconds()
                    + " s";
            if (quarantines.offer(new QuarantineRequest(client.name(), client.publicKey(), reason))) {
                c.reset(ms);
            }
        }
        LOG.warn("admission: client {} handshakes in a loop ({} within {} s); refused and quarantined", client.name(),
                (long) seen, config.loopWindow().toSeconds());
        return false;
    }

    /** Keys with a counter now; never above the capacity. */
    public synchronized int tracked() {
        return counters.size();
    }
}
