package org.edgegateway.core.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How other threads wake {@code egw-router}, which waits in its own {@link Selector} on the ROUTER's
 * descriptor. Thread-safe: any thread may {@link #ring()}; only the owner {@link #park}s.
 *
 * <p>No lost wake-up, and no system call while the owner is awake: the owner publishes
 * {@code parked = true} and only then looks for work one last time before it selects; a producer
 * publishes its work and only then reads {@code parked}. Both are volatile, so at least one of them
 * sees the other: either the owner finds the work, or the producer finds it parked and calls
 * {@link Selector#wakeup()}, which also makes a select that has not started yet return at once.
 * {@code wakeup()} is not interruptible, so no interrupt can close anything here.
 */
public final class Doorbell implements AutoCloseable {
    /** The ready key needs no handling: the owner looks at its channels itself after the park. */
    private static final Consumer<SelectionKey> NOTHING = key -> { };

    private final Selector selector;
    private volatile boolean parked;

    public Doorbell() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("router: cannot open a selector: " + e.getMessage(), e);
        }
    }

    /** Owner: waits on {@code channel} (which must be non-blocking) from now on. */
    public SelectionKey watch(SelectableChannel channel) {
        try {
            return channel.register(selector, SelectionKey.OP_READ);
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("router: cannot watch a closed channel", e);
        }
    }

    /** Wakes the owner if it is parked; otherwise costs one volatile read. */
    public void ring() {
        if (parked) {
            selector.wakeup();
        }
    }

    /**
     * Owner: waits up to {@code timeoutMillis} (at least 1) for a watched channel or a ring, unless
     * {@code workWaiting} says, once parked is published, that there is work already.
     *
     * @return false when it returned because of the time limit alone (nothing watched was ready)
     */
    public boolean park(long timeoutMillis, BooleanSupplier workWaiting) throws IOException {
        parked = true;
        try {
            if (workWaiting.getAsBoolean()) {
                return true;
            }
            long start = System.nanoTime();
            // select(action, ...) leaves the selected-key set alone: nothing to add, nothing to clear
            int ready = selector.select(NOTHING, Math.max(1, timeoutMillis));
            return ready > 0 || System.nanoTime() - start < timeoutMillis * 1_000_000L;
        } finally {
            parked = false;
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
