package zmq.io.coder;

import java.nio.ByteBuffer;

import org.edgegateway.transport.CoderBuffers;

import zmq.Msg;
import zmq.util.Errno;
import zmq.util.ValueReference;

/**
 * Edge Gateway's replacement for JeroMQ 0.6.0's {@code zmq.io.coder.EncoderBase}: the same members and
 * the same state machine for the encoders ({@code Encoder}, {@code V1Encoder}, {@code V2Encoder},
 * {@code RawEncoder}), with the write buffer lent by {@link CoderBuffers} while there is something to
 * send instead of owned by the connection. See the transport module's README.md.
 *
 * <p>The contract with {@code StreamEngine}: it starts a batch by calling {@link #encode} without a
 * buffer only once it has written every byte of the last one, then loads messages and encodes them
 * into the buffer it got back until the batch is full or no message waits. A batch start with no
 * message loaded is the engine finding nothing to send: the buffer goes back to the pool then. A
 * message at least one buffer long is handed over as it is (no copy, no buffer). One thread only:
 * the engine's I/O thread.
 */
public abstract class EncoderBase implements IEncoder
{
    private final int bufferSize;
    private final Errno errno;

    //  The lent write buffer, or null while none is lent.
    private ByteBuffer buffer;

    //  Where the bytes of the current step come from, how many are left, and what runs after them.
    private ByteBuffer source;
    private int left;
    private Runnable step;
    //  Whether the message is whole once the current step is written.
    private boolean lastOfMessage;

    private boolean error;

    protected Msg inProgress;

    protected EncoderBase(Errno errno, int bufferSize)
    {
        this.errno = errno;
        this.bufferSize = bufferSize;
    }

    @Override
    public final void loadMsg(Msg msg)
    {
        assert inProgress == null;
        inProgress = msg;
        next();
    }

    @Override
    public final int encode(ValueReference<ByteBuffer> data, int size)
    {
        boolean batchStart = data.get() == null;
        if (inProgress == null) {
            if (batchStart) {
                //  Every byte of the last batch is written and nothing is loaded: the connection is idle.
                release();
            }
            return 0;
        }
        ByteBuffer out = data.get();
        int room = batchStart ? bufferSize : size;
        int written = 0;
        while (written < room) {
            if (left == 0) {
                if (lastOfMessage) {
                    inProgress = null;
                    break;
                }
                next();
            }
            if (written == 0 && batchStart && left >= room) {
                //  The rest of the message fills a buffer on its own: the engine writes it from the message.
                source.limit(source.capacity());
                data.set(source);
                int n = left;
                source = null;
                left = 0;
                return n;
            }
            if (out == null) {
                out = lend();
            }
            out.limit(out.capacity());
            if (source != null && left > 0) {
                int limit = source.limit();
                source.limit(Math.min(source.capacity(), source.position() + Math.min(left, room - written)));
                int before = out.position();
                out.put(source);
                source.limit(limit);
                int n = out.position() - before;
                written += n;
                left -= n;
            }
        }
        data.set(out == null ? lend() : out);
        return written;
    }

    //  The lent buffer, cleared when it is lent now.
    private ByteBuffer lend()
    {
        if (buffer == null) {
            buffer = CoderBuffers.take(bufferSize);
        }
        else {
            buffer.clear();
        }
        return buffer;
    }

    private void release()
    {
        if (buffer != null) {
            ByteBuffer b = buffer;
            buffer = null;
            CoderBuffers.give(b);
        }
    }

    @Override
    public void encoded()
    {
        if (buffer != null) {
            buffer.flip();
        }
    }

    protected void encodingError()
    {
        error = true;
    }

    public final boolean isError()
    {
        return error;
    }

    protected void next()
    {
        if (step != null) {
            step.run();
        }
    }

    protected void nextStep(Msg msg, Runnable state, boolean beginning)
    {
        if (msg == null) {
            setStep(null, 0, state, beginning);
        }
        else {
            ByteBuffer b = msg.buf();
            nextStep(b, b.limit(), state, beginning);
        }
    }

    protected void initStep(Runnable next, boolean newMsgFlag)
    {
        setStep(null, 0, next, newMsgFlag);
    }

    protected void nextStep(ByteBuffer buf, int toWrite, Runnable next, boolean newMsgFlag)
    {
        //  The first toWrite bytes of buf, from its start.
        buf.limit(toWrite);
        buf.position(0);
        setStep(buf, toWrite, next, newMsgFlag);
    }

    private void setStep(ByteBuffer from, int count, Runnable next, boolean lastOfMessage)
    {
        source = from;
        left = count;
        step = next;
        this.lastOfMessage = lastOfMessage;
    }

    public int errno()
    {
        return errno.get();
    }

    public void errno(int err)
    {
        errno.set(err);
    }

    @Override
    public void destroy()
    {
        //  The engine is gone: a buffer still lent (a batch not all written) goes to the collector.
        buffer = null;
    }
}
