package org.edgegateway.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes a thread that owns a ZeroMQ socket and polls it: any thread may {@link #signal()}; the owner
 * polls {@link #channel()} beside its socket and calls {@link #clear()} before draining its command
 * queue. Thread-safe. Signals are coalesced: while one is pending, further ones write nothing, so a
 * burst of commands costs one byte through the pipe.
 */
public final class WakeUp implements AutoCloseable {
    private final Pipe pipe;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ByteBuffer drain = ByteBuffer.allocate(64);

    /** @param owner names the component in error messages */
    public WakeUp(String owner) {
        try {
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
        } catch (IOException e) {
            throw new IllegalStateException(owner + ": cannot open the wake-up pipe: " + e.getMessage(), e);
        }
    }

    /** The channel to poll for readability. */
    public SelectableChannel channel() {
        return pipe.source();
    }

    /** Wakes the owner unless a wake-up is already pending. Never blocks for long. */
    public void signal() throws IOException {
        if (pending.compareAndSet(false, true)) {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        }
    }

    /** Whether a signal arrived since the last {@link #clear()}. */
    public boolean pending() {
        return pending.get();
    }

    /** Owner thread only: re-arms the signal and empties the pipe. */
    public void clear() throws IOException {
        pending.set(false);
        while (true) {
            drain.clear();
            if (pipe.source().read(drain) <= 0) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        pipe.sink().close();
        pipe.source().close();
    }
}
