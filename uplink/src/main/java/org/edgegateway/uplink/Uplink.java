package org.edgegateway.uplink;

import java.nio.file.Path;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.health.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge side of an uplink as the composition root uses it: the durable queue, the handler lookup
 * that fills it and the forwarder that drains it. Thread-safe. Built by {@link #open}, started by
 * {@link #start()}, and closed after the gateway has stopped (so that no handler appends any more).
 *
 * <pre>{@code
 * Uplink uplink = Uplink.open(home.data().resolve("uplink"), UplinkConfig.from(settings));
 * Gateway gateway = Gateway.start(config, store, serverKeys, uplink.wrap(handlers), clock);
 * uplink.start();
 * ...
 * gateway.shutdown(grace);
 * uplink.close();
 * }</pre>
 * With no {@code uplink.bundle} configured it does nothing: {@link #wrap} returns its argument.
 */
public final class Uplink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Uplink.class);

    private final UplinkConfig config;
    private final UplinkQueue queue;
    private volatile UplinkForwarder forwarder;

    private Uplink(UplinkConfig config, UplinkQueue queue) {
        this.config = config;
        this.queue = queue;
    }

    /** Opens the queue in {@code dir} (usually {@code HOME/data/uplink}) when an uplink is configured. */
    public static Uplink open(Path dir, UplinkConfig config) {
        return new Uplink(config, config.enabled() ? UplinkQueue.open(dir, config.queueMax()) : null);
    }

    public boolean enabled() {
        return queue != null;
    }

    /** {@code handlers} with forwarding of the configured types after a local ACK. */
    public HandlerLookup wrap(HandlerLookup handlers) {
        return queue == null ? handlers : new ForwardingHandlers(handlers, queue, config);
    }

    /** Starts draining to the upstream. */
    public void start() {
        start(new Health(java.time.Clock.systemUTC()));
    }

    /** Starts draining to the upstream; a death of the forwarder's thread is reported to {@code health}. */
    public synchronized void start(Health health) {
        if (queue != null && forwarder == null) {
            forwarder = UplinkForwarder.start(queue, config, () -> UplinkForwarder.client(config), health,
                    java.time.Clock.systemUTC());
            LOG.info("uplink: forwarding {} to {} as a client of bundle {}",
                    config.types().isEmpty() ? "every type" : config.types(),
                    config.endpoint().isEmpty() ? "the bundle's endpoint" : config.endpoint(), config.bundle());
        }
    }

    /** The counters, or null when no uplink is configured. */
    public UplinkStats stats() {
        UplinkForwarder f = forwarder;
        if (queue == null) {
            return null;
        }
        return f == null ? new UplinkStats(queue.size(), 0, 0, queue.deadLettered(), false, "not started", 0, "", "", null)
                : f.stats();
    }

    /** The uplink's state as the admin service shows it (stats, UI, doctor), or null when none is configured. */
    public org.edgegateway.core.admin.UplinkView view() {
        UplinkStats s = stats();
        return s == null ? null : new org.edgegateway.core.admin.UplinkView(s.connected(), s.waiting(), s.forwarded(),
                s.deadLettered(), s.refusals(), s.refusal(), s.remedy(), s.refusedSince(), s.lastError());
    }

    /** Stops the forwarder, then closes the queue; what is queued stays for the next start. */
    @Override
    public synchronized void close() {
        if (forwarder != null) {
            forwarder.close();
            forwarder = null;
        }
        if (queue != null) {
            queue.close();
        }
    }
}
