package zmq.poll;

import java.io.IOException;
import java.lang.Thread.UncaughtExceptionHandler;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.edgegateway.transport.TimerQueue;

import zmq.Ctx;
import zmq.ZError;

/**
 * Edge Gateway's replacement for JeroMQ 0.6.0's {@code zmq.poll.Poller}: the loop of one I/O (or
 * reaper) thread, with the same public members as the original.
 *
 * <p>What a turn of the loop costs does not depend on how many channels are registered: an interest
 * change goes straight to that channel's {@link SelectionKey} (the JDK's selector hands only changed
 * keys to the kernel), a removed channel's key is queued and cancelled before the next select, and
 * timers live in a heap (see {@link PollerBase}). The set of live handles is walked only to rebuild
 * the selector.
 *
 * <p>A channel removed and added again before the next select (a connecter handing its channel to a
 * stream engine) keeps its key: the new handle adopts it. Registering anew would fail, since a
 * cancelled key stays with its channel until the selector's next select.
 *
 * <p>All methods but {@link #getLoad()}, {@link #stop()} and {@link #destroy()} are for the worker
 * thread, or for any thread before the worker starts.
 */
public final class Poller extends PollerBase implements Runnable
{
    //  A registered channel and the object told of its events.
    public static final class Handle
    {
        private final SelectableChannel fd;
        private final IPollEvents       handler;

        //  The interest set, kept here so that it survives a rebuild of the selector.
        private int          ops;
        private boolean      cancelled;
        private SelectionKey key;
        //  Waiting for the channel's previous, cancelled key to leave the selector.
        private boolean      deferred;

        public Handle(SelectableChannel fd, IPollEvents handler)
        {
            assert (fd != null);
            assert (handler != null);
            this.fd = fd;
            this.handler = handler;
        }

        @Override
        public String toString()
        {
            return "Handle-" + fd;
        }
    }

    //  More select calls than this in a row returning early with nothing: the JDK's epoll spin
    //  bug; the selector is replaced.
    private static final int EARLY_RETURNS_BEFORE_REBUILD = 10;

    private final Ctx                      ctx;
    private final UncaughtExceptionHandler exnotification;

    //  Handles added and not removed: walked only to rebuild the selector.
    private final Set<Handle> live = Collections.newSetFromMap(new IdentityHashMap<>());
    //  one instance for the poller's life: select(action, timeout) allocates nothing per turn
    private final Consumer<SelectionKey> dispatch = this::dispatch;

    //  Keys of removed handles, cancelled before the next select unless a new handle adopted them.
    private final List<SelectionKey> retiring = new ArrayList<>();

    //  Handles whose channel still had a cancelled key in the selector when they were added.
    private final List<Handle> deferred = new ArrayList<>();

    private final AtomicBoolean  stopping = new AtomicBoolean();
    private final CountDownLatch stopped  = new CountDownLatch(1);

    private volatile Selector selector;

    public Poller(Ctx ctx, String name)
    {
        super(name, ctx.getThreadFactory());
        this.ctx = ctx;
        exnotification = ctx.getNotificationExceptionHandler();
        selector = ctx.createSelector();
    }

    //  Stops the loop, waits for it to end, and closes the selector.
    public void destroy()
    {
        try {
            stop();
            if (worker.getState() != Thread.State.NEW) {
                stopped.await();
            }
        }
        catch (InterruptedException e) {
            exnotification.uncaughtException(Thread.currentThread(), e);
            Thread.currentThread().interrupt();
        }
        finally {
            ctx.closeSelector(selector);
        }
    }

    public Handle addHandle(SelectableChannel fd, IPollEvents events)
    {
        assert (Thread.currentThread() == worker || !worker.isAlive());

        Handle handle = new Handle(fd, events);
        live.add(handle);
        attach(handle);

        adjustLoad(1);
        return handle;
    }

    public void removeHandle(Handle handle)
    {
        assert (Thread.currentThread() == worker || !worker.isAlive());

        if (handle.cancelled) {
            return;
        }
        handle.cancelled = true;
        live.remove(handle);
        SelectionKey key = handle.key;
        handle.key = null;
        if (key != null && key.attachment() == handle) {
            key.attach(null);
            try {
                key.interestOps(0);
            }
            catch (CancelledKeyException | ClosedSelectorException e) {
                //  the channel was closed (its key is gone already), or the context closed the
                //  selector on its way down while this handler ran inside select
            }
            retiring.add(key);
        }

        adjustLoad(-1);
    }

    public void setPollIn(Handle handle)
    {
        interest(handle, SelectionKey.OP_READ, true);
    }

    public void resetPollIn(Handle handle)
    {
        interest(handle, SelectionKey.OP_READ, false);
    }

    public void setPollOut(Handle handle)
    {
        interest(handle, SelectionKey.OP_WRITE, true);
    }

    public void resetPollOut(Handle handle)
    {
        interest(handle, SelectionKey.OP_WRITE, false);
    }

    public void setPollConnect(Handle handle)
    {
        interest(handle, SelectionKey.OP_CONNECT, true);
    }

    public void setPollAccept(Handle handle)
    {
        interest(handle, SelectionKey.OP_ACCEPT, true);
    }

    public void start()
    {
        worker.start();
    }

    //  May be called from any thread; the loop ends at its next turn.
    public void stop()
    {
        stopping.set(true);
        selector.wakeup();
    }

    @Override
    public void run()
    {
        try {
            loop();
        }
        finally {
            stopped.countDown();
        }
    }

    private void loop()
    {
        int earlyReturns = 0;
        while (!stopping.get()) {
            long timeout;
            try {
                timeout = withSlack(executeTimers());
            }
            catch (RuntimeException e) {
                //  as for an I/O event: reported, and the loop goes on (with the timers still due)
                exnotification.uncaughtException(worker, e);
                continue;
            }

            retireKeys();
            attachDeferred();

            long start = System.nanoTime();
            int handled;
            try {
                //  the selector hands each ready key to dispatch: no selected-key set to fill and empty
                handled = selector.select(dispatch, timeout);
            }
            catch (ClosedSelectorException e) {
                if (stopping.get()) {
                    //  the context closed the selector on its way down, after this loop was told to stop
                    break;
                }
                rebuildSelector();
                exnotification.uncaughtException(worker, e);
                ctx.errno().set(ZError.EINTR);
                continue;
            }
            catch (IOException e) {
                throw new ZError.IOException(e);
            }

            if (handled == 0) {
                earlyReturns = countEarlyReturn(earlyReturns, timeout, start);
                continue;
            }
            earlyReturns = 0;
        }
    }

    private void dispatch(SelectionKey key)
    {
        Object attachment = key.attachment();
        if (!(attachment instanceof Handle) || !key.isValid()) {
            return;
        }
        Handle handle = (Handle) attachment;
        int ready = key.readyOps();
        try {
            //  each event only while the handle is still registered and still wants it
            if ((ready & SelectionKey.OP_ACCEPT) != 0 && wants(handle, key, SelectionKey.OP_ACCEPT)) {
                handle.handler.acceptEvent();
            }
            if ((ready & SelectionKey.OP_CONNECT) != 0 && wants(handle, key, SelectionKey.OP_CONNECT)) {
                handle.handler.connectEvent();
            }
            if ((ready & SelectionKey.OP_WRITE) != 0 && wants(handle, key, SelectionKey.OP_WRITE)) {
                handle.handler.outEvent();
            }
            if ((ready & SelectionKey.OP_READ) != 0 && wants(handle, key, SelectionKey.OP_READ)) {
                handle.handler.inEvent();
            }
        }
        catch (RuntimeException e) {
            exnotification.uncaughtException(worker, e);
        }
    }

    private static boolean wants(Handle handle, SelectionKey key, int op)
    {
        return !handle.cancelled && handle.key == key && key.isValid() && (handle.ops & op) != 0;
    }

    private void interest(Handle handle, int op, boolean add)
    {
        assert (Thread.currentThread() == worker || !worker.isAlive());

        int ops = add ? handle.ops | op : handle.ops & ~op;
        if (ops == handle.ops) {
            return;
        }
        handle.ops = ops;
        SelectionKey key = handle.key;
        if (key != null && !handle.cancelled) {
            try {
                key.interestOps(ops);
            }
            catch (CancelledKeyException | ClosedSelectorException e) {
                //  the channel was closed (its owner will remove the handle), or the selector was
                //  (a rebuild registers every live handle again with its ops)
                handle.key = null;
            }
        }
    }

    //  Gives the handle a key in the current selector: the channel's key if it has a valid one (a
    //  handle removed in this turn left it), else a new registration.
    private void attach(Handle handle)
    {
        SelectableChannel fd = handle.fd;
        if (!fd.isOpen()) {
            return;
        }
        Selector current = selector;
        SelectionKey key = fd.keyFor(current);
        if (key != null) {
            if (!key.isValid()) {
                //  cancelled but still in the selector until its next select: register after that
                if (!handle.deferred) {
                    handle.deferred = true;
                    deferred.add(handle);
                }
                return;
            }
            Object previous = key.attachment();
            if (previous instanceof Handle && previous != handle) {
                //  two live handles for one channel: the newer one gets the events
                ((Handle) previous).key = null;
            }
            try {
                key.interestOps(handle.ops);
            }
            catch (CancelledKeyException e) {
                //  closed meanwhile: nothing to poll
                return;
            }
            key.attach(handle);
            handle.key = key;
            return;
        }
        try {
            handle.key = fd.register(current, handle.ops, handle);
        }
        catch (ClosedChannelException e) {
            //  closed meanwhile: nothing to poll
        }
        catch (CancelledKeyException | ClosedSelectorException e) {
            exnotification.uncaughtException(worker, e);
        }
    }

    private void retireKeys()
    {
        if (retiring.isEmpty()) {
            return;
        }
        for (SelectionKey key : retiring) {
            if (key.attachment() == null) {
                key.cancel();
            }
        }
        retiring.clear();
    }

    private void attachDeferred()
    {
        if (deferred.isEmpty()) {
            return;
        }
        try {
            //  lets the selector drop its cancelled keys; what it finds ready is dispatched after
            //  the coming select, which returns at once while those keys are selected
            selector.selectNow();
        }
        catch (IOException e) {
            throw new ZError.IOException(e);
        }
        catch (ClosedSelectorException e) {
            //  handled by the coming select
        }
        List<Handle> waiting = new ArrayList<>(deferred);
        deferred.clear();
        for (Handle handle : waiting) {
            handle.deferred = false;
            if (!handle.cancelled) {
                attach(handle);
            }
        }
    }

    //  A wait for the next timer shorter than the slack is lengthened to it (see TimerQueue.SLACK_MILLIS);
    //  0 (no timer: wait for I/O) stays 0.
    private static long withSlack(long timeout)
    {
        return timeout > 0 && timeout < TimerQueue.SLACK_MILLIS ? TimerQueue.SLACK_MILLIS : timeout;
    }

    private int countEarlyReturn(int earlyReturns, long timeout, long startNanos)
    {
        long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000L;
        if (timeout == 0 || elapsedMillis < timeout / 2) {
            earlyReturns++;
        }
        else {
            earlyReturns = 0;
        }
        if (earlyReturns > EARLY_RETURNS_BEFORE_REBUILD) {
            rebuildSelector();
            earlyReturns = 0;
        }
        return earlyReturns;
    }

    //  A new selector with every live handle registered in it as it was; the old one is closed.
    private void rebuildSelector()
    {
        Selector old = selector;
        selector = ctx.createSelector();
        retiring.clear();
        deferred.clear();
        for (Handle handle : live) {
            handle.key = null;
            handle.deferred = false;
            attach(handle);
        }
        ctx.closeSelector(old);
    }
}
