package org.edgegateway.core.admission;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.keys.ClientStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out automatic quarantines and releases on its own thread, {@code egw-admission}, so that
 * the router never waits for the key store. Thread-safe: other threads only call {@link #start()}
 * and {@link #close()}.
 *
 * <p>A quarantine goes through the same {@link AdminService} path as an admin's: a key store
 * transaction with its audit row (actor {@code gateway}), the key cache, then the live connections
 * are cut; ZAP refuses the key from then on, across restarts, until an admin releases it or it
 * expires. Every {@code expiryCheck} the thread releases the quarantines whose end has passed (the
 * key cache already admits them; the release makes the store and the audit log say so).
 */
public final class Quarantiner implements AutoCloseable {
    /** The actor written to the audit log for automatic quarantines and releases. */
    public static final Actor GATEWAY = new Actor("gateway", "gateway");
    private static final Logger LOG = LoggerFactory.getLogger(Quarantiner.class);

    private final QuarantineQueue requests;
    private final AdminService admin;
    private final KeyCache keys;
    private final Consumer<String> settled;
    private final AdmissionConfig config;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param settled told each request's public key once the store has answered it (on this thread; must not block)
     */
    public Quarantiner(QuarantineQueue requests, AdminService admin, KeyCache keys, Consumer<String> settled,
                       AdmissionConfig config, GatewayMetrics metrics, Clock clock) {
        this.requests = requests;
        this.admin = admin;
        this.keys = keys;
        this.settled = settled;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    public void start() {
        thread = new Thread(this::run, "egw-admission");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long every = config.expiryCheck().toNanos();
        long nextCheck = System.nanoTime();
        try {
            while (running) {
                long wait = Math.max(0, nextCheck - System.nanoTime());
                QuarantineRequest r;
                try {
                    r = requests.poll(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (r != null) {
                    quarantine(r);
                }
                if (System.nanoTime() - nextCheck >= 0) {
                    releaseExpired();
                    nextCheck = System.nanoTime() + every;
                }
            }
            // Store what the router asked for before it stopped, so that it survives the restart.
            QuarantineRequest r;
            while ((r = requests.poll()) != null) {
                quarantine(r);
            }
        } finally {
            stopped.countDown();
        }
    }

    /** Quarantines one client; public for tests that drive the thread's work directly. */
    void quarantine(QuarantineRequest r) {
        try {
            admin.quarantine(r.name(), r.reason(), config.quarantineDuration(), GATEWAY);
            metrics.countAutomaticQuarantine();
            LOG.warn("admission: quarantined client {} for {}: {}", r.name(),
                    config.quarantineDuration() == null ? "an indefinite time" : config.quarantineDuration(), r.reason());
        } catch (AdminException e) {
            LOG.warn("admission: cannot quarantine client {}: {}", r.name(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("admission: quarantine of client {} failed", r.name(), e);
        } finally {
            settled.accept(r.publicKey());
        }
    }

    /** Releases every quarantine whose end has passed. */
    void releaseExpired() {
        Instant now = clock.instant();
        for (KeyCache.Entry e : keys.entries()) {
            if (e.status() == ClientStatus.QUARANTINED && e.quarantineUntil() != null && !now.isBefore(e.quarantineUntil())) {
                try {
                    admin.release(e.name(), GATEWAY);
                    metrics.countReleaseByExpiry();
                    LOG.info("admission: quarantine of client {} expired at {}; released", e.name(), e.quarantineUntil());
                } catch (AdminException ex) {
                    LOG.warn("admission: cannot release client {} after its quarantine expired: {}", e.name(), ex.getMessage());
                } catch (RuntimeException ex) {
                    LOG.error("admission: release of client {} failed", e.name(), ex);
                }
            }
        }
    }

    /** Stores the requests already queued, then stops the thread. */
    @Override
    public void close() {
        running = false;
        if (thread == null) {
            return;
        }
        try {
            if (!stopped.await(10, TimeUnit.SECONDS)) {
                LOG.warn("admission: thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
