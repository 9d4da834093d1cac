package org.edgegateway.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.edgegateway.keys.KeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes security events that happen on hot threads (refused handshakes) to the audit log on its own
 * thread, {@code egw-audit}, so that the ZAP thread never waits for the database. Thread-safe.
 *
 * <p>Bounded twice over, since an attacker controls how often these events happen: the same event
 * (action, subject, source) is written at most once per {@code quiet} period, remembered for a
 * bounded number of distinct events; and at most {@code queue} events wait for the writer, past which
 * they are counted as dropped.
 */
public final class AuditTrail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final int REMEMBERED = 4096;

    private record Event(String actor, String action, String subject, String detail, String source) {
    }

    private final KeyStore store;
    private final Clock clock;
    private final Duration quiet;
    private final BlockingQueue<Event> queue;
    private final Map<String, Instant> lastWritten = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > REMEMBERED;
        }
    };
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean running = true;

    public AuditTrail(KeyStore store, Clock clock, Duration quiet, int queue) {
        this.store = store;
        this.clock = clock;
        this.quiet = quiet;
        this.queue = new ArrayBlockingQueue<>(queue);
        this.writer = new Thread(this::run, "egw-audit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Records an event unless the same one was recorded within the quiet period. Never blocks.
     *
     * @return whether the event was queued (false: a repeat within the quiet period, or dropped)
     */
    public boolean record(String actor, String action, String subject, String detail, String source) {
        String id = action + '|' + subject + '|' + source;
        Instant now = clock.instant();
        synchronized (lastWritten) {
            Instant last = lastWritten.get(id);
            if (last != null && now.isBefore(last.plus(quiet))) {
                return false;
            }
            lastWritten.put(id, now);
        }
        if (!queue.offer(new Event(actor, action, subject, detail, source))) {
            dropped.increment();
            return false;
        }
        return true;
    }

    public long dropped() {
        return dropped.sum();
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            Event e;
            try {
                e = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            if (e == null) {
                continue;
            }
            try {
                store.audit().append(e.actor(), e.action(), e.subject(), e.detail(), e.source());
            } catch (RuntimeException ex) {
                LOG.warn("audit: cannot write {} for {}: {}", e.action(), e.subject(), ex.getMessage());
            }
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
