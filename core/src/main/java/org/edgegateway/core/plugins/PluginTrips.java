package org.edgegateway.core.plugins;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.edgegateway.core.router.Lane;

/**
 * The hand-off from a lane that tripped (its breaker opened, or the watchdog found its calls
 * misbehaving, on whichever thread saw it, often the router) to the host, which stops the plugin as
 * failed on the {@code egw-plugin-trips} thread that this class owns, never on the router.
 * Thread-safe.
 */
final class PluginTrips implements Lane.TripListener, AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "egw-plugin-trips");
        t.setDaemon(true);
        return t;
    });
    private final Lane.TripListener stop;

    /** {@code stop} runs on {@code egw-plugin-trips}, one trip at a time. */
    PluginTrips(Lane.TripListener stop) {
        this.stop = stop;
    }

    /** Queues the trip and returns at once. */
    @Override
    public void tripped(Lane lane, String reason) {
        thread.execute(() -> stop.tripped(lane, reason));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
