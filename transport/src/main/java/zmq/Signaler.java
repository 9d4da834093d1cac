package zmq;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import zmq.util.Errno;
import zmq.util.Utils;

/**
 * Edge Gateway's replacement for JeroMQ 0.6.0's {@code zmq.Signaler}: how a mailbox's writers wake its
 * reader, one byte through a pipe per signal, with the same members as the original.
 *
 * <p>A signal is <b>counted before its byte is written</b>. JeroMQ's wrote the byte first and counted
 * it after, and its {@code waitEvent(0)} answers from the count alone (no system call). A reader woken
 * by the byte, and so by the kernel, could therefore find the pipe readable and no signal counted,
 * and when the writer shared its CPU the writer could not count it until the reader gave the CPU up:
 * a loop that watches the descriptor (JeroMQ's own I/O thread watches its mailbox this way, and a
 * socket's {@code ZMQ_FD} is this descriptor) turned on a readable descriptor with nothing to read
 * until the end of its time slice. Here, whoever sees the byte sees the signal counted.
 *
 * <p>The other way round, a reader may see a signal counted whose byte is not written yet: {@link
 * #recv()} then waits for the byte in the kernel (a few microseconds, the time the writer takes from
 * counting to writing) instead of spinning.
 *
 * <p>Any thread may {@link #send()}; one thread at a time reads ({@link #waitEvent}, {@link #recv()}),
 * as in JeroMQ. The interrupt status of a thread is put aside while it reads or writes the pipe and
 * restored after, so that an interrupt pending before the call does not close the pipe.
 */
final class Signaler implements Closeable
{
    //  The reader's selector only ever has one key; the ready key needs no handling.
    private static final Consumer<SelectionKey> NOTHING = key -> {
    };
    //  How long recv() waits at a time for the byte of a signal already counted.
    private static final long BYTE_WAIT_MILLIS = 10;

    private final Pipe.SinkChannel   w;
    private final Pipe.SourceChannel r;
    private final Selector           selector;
    //  Writers may be any threads: one buffer each.
    private final ThreadLocal<ByteBuffer> out = ThreadLocal.withInitial(() -> ByteBuffer.allocate(1));
    //  The reader's.
    private final ByteBuffer in = ByteBuffer.allocate(1);

    //  Signals sent: counted before each byte is written.
    private final AtomicLong sent = new AtomicLong();
    //  Signals whose byte the reader has read. Reader only.
    private long received;

    private final Errno errno;
    private final int   pid;
    private final Ctx   ctx;

    Signaler(Ctx ctx, int pid, Errno errno)
    {
        this.ctx = ctx;
        this.pid = pid;
        this.errno = errno;
        try {
            Pipe pipe = Pipe.open();
            r = pipe.source();
            w = pipe.sink();
            Utils.unblockSocket(w, r);
            selector = ctx.createSelector();
            r.register(selector, SelectionKey.OP_READ);
        }
        catch (IOException e) {
            throw new ZError.IOException(e);
        }
    }

    @Override
    public void close() throws IOException
    {
        IOException failure = null;
        try {
            r.close();
        }
        catch (IOException e) {
            failure = e;
        }
        try {
            w.close();
        }
        catch (IOException e) {
            failure = merge(failure, e);
        }
        try {
            ctx.closeSelector(selector);
        }
        catch (RuntimeException e) {
            failure = merge(failure, new IOException(e));
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException merge(IOException first, IOException next)
    {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    SelectableChannel getFd()
    {
        return r;
    }

    void send()
    {
        //  Everything that may fail before the byte (the buffer's first allocation) comes before the
        //  count: a signal counted and never written would hold its reader in recv().
        ByteBuffer b = out.get();
        boolean interrupted = Thread.interrupted();
        sent.incrementAndGet();
        try {
            while (true) {
                b.clear();
                if (w.write(b) == 1) {
                    return;
                }
                //  The pipe is full: the reader is behind by a pipe's worth of signals.
                Thread.yield();
            }
        }
        catch (IOException e) {
            throw new ZError.IOException(e);
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean waitEvent(long timeout)
    {
        //  An interrupt becomes EINTR, as in JeroMQ.
        if (Thread.interrupted()) {
            errno.set(ZError.EINTR);
            return false;
        }
        if (received < sent.get()) {
            return true;
        }
        if (timeout == 0) {
            //  Called on every send and receive of a socket: answered from the count, no system call.
            errno.set(ZError.EAGAIN);
            return false;
        }
        int ready;
        try {
            ready = selector.select(NOTHING, timeout < 0 ? 0 : timeout);
        }
        catch (ClosedSelectorException e) {
            errno.set(ZError.EINTR);
            return false;
        }
        catch (IOException e) {
            errno.set(ZError.exccode(e));
            return false;
        }
        if (Thread.interrupted()) {
            errno.set(ZError.EINTR);
            return false;
        }
        if (ready > 0 || received < sent.get()) {
            return true;
        }
        //  Nothing after a wait without limit: woken up, as JeroMQ reports it.
        errno.set(timeout < 0 ? ZError.EINTR : ZError.EAGAIN);
        return false;
    }

    void recv()
    {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                in.clear();
                int n = r.read(in);
                if (n == 1) {
                    received++;
                    return;
                }
                if (n < 0) {
                    //  Every writer is gone: the mailbox is closing.
                    errno.set(ZError.EINTR);
                    return;
                }
                //  Counted, not written yet: wait for the byte without holding the CPU, which its
                //  writer may be waiting for.
                selector.select(NOTHING, BYTE_WAIT_MILLIS);
            }
        }
        catch (ClosedChannelException | ClosedSelectorException e) {
            errno.set(ZError.EINTR);
        }
        catch (IOException e) {
            throw new ZError.IOException(e);
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString()
    {
        return "Signaler[" + pid + "]";
    }
}
