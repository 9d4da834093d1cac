package zmq.io.coder;

import java.nio.ByteBuffer;

import org.edgegateway.transport.CoderBuffers;

import zmq.Msg;
import zmq.util.Errno;
import zmq.util.ValueReference;

/**
 * Edge Gateway's replacement for JeroMQ 0.6.0's {@code zmq.io.coder.DecoderBase}: the same members and
 * the same state machine for the size-prefixed decoders ({@code Decoder}, {@code V1Decoder},
 * {@code V2Decoder}), with the read buffer lent by {@link CoderBuffers} for one read at a time instead
 * of owned by the connection. See the transport module's README.md.
 *
 * <p>The contract with {@code StreamEngine}: it asks {@link #getBuffer} for a buffer only when it has
 * no input left, reads into it, flips it and hands it to {@link #decode} until every byte is
 * processed (a call returns after each whole message). So once {@link #decode} has consumed the
 * buffer it lent, the engine no longer looks at it, and it goes back to the pool. Large frames are
 * read straight into their message (no buffer lent). One thread only: the engine's I/O thread.
 */
public abstract class DecoderBase implements IDecoder
{
    private final int bufsize;
    private final Errno errno;

    //  The lent read buffer, or null while none is lent.
    private ByteBuffer buffer;
    //  Whether the caller reads straight into the message (the frame is at least one buffer long).
    private boolean direct;

    //  Where the bytes of the current step go, how many it still wants, and what runs once it has them.
    private ByteBuffer target;
    private int wanted;
    private Step step;

    public DecoderBase(Errno errno, int bufsize)
    {
        assert bufsize > 0;
        this.errno = errno;
        this.bufsize = bufsize;
    }

    @Override
    public ByteBuffer getBuffer()
    {
        //  A frame at least as large as a buffer is read into the message itself; each read still
        //  takes at most what the socket holds, so other engines of the thread are not held up.
        if (wanted >= bufsize) {
            direct = true;
            return target.duplicate();
        }
        direct = false;
        if (buffer == null) {
            buffer = CoderBuffers.take(bufsize);
        }
        else {
            buffer.clear();
        }
        return buffer;
    }

    @Override
    public Step.Result decode(ByteBuffer data, int size, ValueReference<Integer> processed)
    {
        processed.set(0);
        if (direct) {
            //  The bytes are in the message already: move its position on.
            assert size <= wanted;
            target.position(target.position() + size);
            wanted -= size;
            processed.set(size);
            return advance();
        }
        int done = 0;
        Step.Result result = Step.Result.MORE_DATA;
        while (done < size) {
            int n = Math.min(wanted, size - done);
            int limit = data.limit();
            data.limit(data.position() + n);
            target.put(data);
            data.limit(limit);
            wanted -= n;
            done += n;
            result = advance();
            if (result != Step.Result.MORE_DATA) {
                break;
            }
        }
        processed.set(done);
        if (data == buffer && !data.hasRemaining()) {
            //  Every byte of the lent buffer is consumed: the engine asks for a buffer again before its next read.
            buffer = null;
            CoderBuffers.give(data);
        }
        return result;
    }

    //  Runs the steps whose bytes are all there; MORE_DATA when the current one wants more.
    private Step.Result advance()
    {
        while (target.remaining() == 0) {
            Step.Result result = step.apply();
            if (result != Step.Result.MORE_DATA) {
                return result;
            }
        }
        return Step.Result.MORE_DATA;
    }

    protected void nextStep(Msg msg, Step next)
    {
        nextStep(msg.buf(), next);
    }

    @Deprecated
    protected void nextStep(byte[] buf, int toRead, Step next)
    {
        ByteBuffer b = ByteBuffer.wrap(buf);
        b.limit(toRead);
        nextStep(b, next);
    }

    protected void nextStep(ByteBuffer buf, Step next)
    {
        target = buf;
        wanted = buf.remaining();
        step = next;
    }

    protected void errno(int err)
    {
        errno.set(err);
    }

    public int errno()
    {
        return errno.get();
    }

    @Override
    public void destroy()
    {
        //  The engine is gone: a buffer still lent (its input was not all consumed) goes to the collector.
        buffer = null;
    }
}
