package org.edgegateway.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wakes a thread that owns a ZeroMQ socket and polls it with a {@code ZMQ.Poller}: any thread may
 * {@link #signal()} after queueing work; the owner polls {@link #channel()} beside its socket and
 * calls {@link #clear()} before draining its queue. Thread-safe. Signals are coalesced: while one is
 * pending, further ones write nothing, so a burst of commands costs one byte through the pipe.
 *
 * <p>No lost wake-up: {@link #clear()} empties the pipe first and re-arms after, so a signal that
 * lands in between finds the flag still set and writes nothing, and its work is in the queue the
 * owner drains next; any signal after the re-arm writes a byte. (Re-arming first would let such a
 * byte be drained with the flag left set, and every later signal would write nothing.) A signalling
 * thread's interrupt flag is cleared around the write and restored, so an interrupt never closes
 * the pipe; the router does not use this class (see its {@code Doorbell}).
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
            // A write by an interrupted thread would close the pipe for good.
            boolean interrupted = Thread.interrupted();
            try {
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Whether a signal arrived since the last {@link #clear()}. */
    public boolean pending() {
        return pending.get();
    }

    /** Owner thread only: empties the pipe, then re-arms the signal; drain the work queue after it. */
    public void clear() throws IOException {
        while (true) {
            drain.clear();
            if (pipe.source().read(drain) <= 0) {
                break;
            }
        }
        pending.set(false);
    }

    @Override
    public void close() throws IOException {
        pipe.sink().close();
        pipe.source().close();
    }
}
