package org.edgegateway.transport;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The direct buffers of the stream engines' encoders and decoders, lent while a connection has bytes
 * to move instead of owned for the connection's life. JeroMQ gives every connection an 8 KiB direct
 * buffer for reading and another for writing, allocated (and so zeroed and resident) with the
 * connection: 16 KiB per connection whether it ever says anything again, half the memory of an idle
 * CURVE client. Here a decoder takes a buffer for one read and gives it back as soon as the decoder
 * has consumed it; an encoder gives its buffer back when the engine finds nothing more to send.
 *
 * <p>One free list per thread, so no lock: a stream engine and its coders run on one I/O thread, and
 * a buffer given back on that thread is the next one it lends. Only buffers of {@link #POOLED} bytes
 * (JeroMQ's batch size, what every socket without a larger {@code SO_SNDBUF}/{@code SO_RCVBUF} option
 * uses) are kept, at most {@link #KEPT} per thread; others are dropped to the garbage collector, like
 * the buffer of a connection that closes while it holds one.
 */
public final class CoderBuffers {
    /** The size of the buffers kept: JeroMQ's {@code Config.IN_BATCH_SIZE} and {@code OUT_BATCH_SIZE}. */
    public static final int POOLED = 8192;
    /** At most this many free buffers per thread (512 KiB). */
    public static final int KEPT = 64;

    private static final ThreadLocal<ArrayDeque<ByteBuffer>> FREE = ThreadLocal.withInitial(ArrayDeque::new);

    private CoderBuffers() {
    }

    /** A cleared direct buffer of {@code size} bytes: a free one of this thread's, or a new one. */
    public static ByteBuffer take(int size) {
        if (size == POOLED) {
            ByteBuffer b = FREE.get().pollLast();
            if (b != null) {
                b.clear();
                return b;
            }
        }
        return ByteBuffer.allocateDirect(size);
    }

    /** Gives {@code buffer} back; the caller must hold no reference to it any more. */
    public static void give(ByteBuffer buffer) {
        if (buffer.capacity() != POOLED || !buffer.isDirect()) {
            return;
        }
        ArrayDeque<ByteBuffer> free = FREE.get();
        if (free.size() < KEPT) {
            free.addLast(buffer);
        }
    }

    /** The free buffers this thread keeps now (for tests). */
    public static int free() {
        return FREE.get().size();
    }
}
