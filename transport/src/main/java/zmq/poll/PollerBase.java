package zmq.poll;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.edgegateway.transport.TimerQueue;

import zmq.util.function.BiFunction;

/**
 * Edge Gateway's replacement for JeroMQ 0.6.0's {@code zmq.poll.PollerBase}: the same members for
 * {@link Poller} and the rest of JeroMQ, with the timers kept in a {@link TimerQueue} (a heap with
 * an index) instead of a map that is copied and sorted on every turn of the loop. See the
 * transport module's README.md.
 *
 * <p>The load (number of registered channels) may be read from any thread; everything else is
 * for the worker thread only (or before it starts).
 */
abstract class PollerBase implements Runnable
{
    private static final long NANOS_PER_MILLI = TimeUnit.MILLISECONDS.toNanos(1);

    //  Number of channels registered; read by other threads to pick the least loaded I/O thread.
    private final AtomicInteger load = new AtomicInteger(0);

    private final TimerQueue<IPollEvents> timers = new TimerQueue<>();

    //  The thread that runs the loop and to which every event and timer is dispatched.
    protected final Thread worker;

    protected PollerBase(String name)
    {
        worker = createWorker(name);
    }

    protected PollerBase(String name, BiFunction<Runnable, String, Thread> threadFactory)
    {
        worker = threadFactory.apply(this, name);
    }

    Thread createWorker(String name)
    {
        Thread thread = new Thread(this, name);
        thread.setDaemon(true);
        return thread;
    }

    //  Milliseconds on a clock that never goes back (wall-clock changes do not move timers).
    long clock()
    {
        return System.nanoTime() / NANOS_PER_MILLI;
    }

    //  Whether no timer is set.
    final boolean isEmpty()
    {
        return timers.isEmpty();
    }

    //  May be called from any thread.
    public final int getLoad()
    {
        return load.get();
    }

    protected void adjustLoad(int amount)
    {
        load.addAndGet(amount);
    }

    //  In timeout milliseconds, sink.timerEvent(id) will be called on the worker thread. Setting a
    //  (sink, id) that is already set moves it to the new time.
    public void addTimer(long timeout, IPollEvents sink, int id)
    {
        assert (Thread.currentThread() == worker);

        long now = clock();
        long expiry = timeout > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + Math.max(0L, timeout);
        timers.add(expiry, sink, id);
    }

    //  Cancels the timer (sink, id), if it is set.
    public void cancelTimer(IPollEvents sink, int id)
    {
        assert (Thread.currentThread() == worker);

        timers.cancel(sink, id);
    }

    //  Calls the sinks of every timer that is due, earliest first, including timers that those calls
    //  set and that are due already. Returns the milliseconds until the next timer, or 0 when no
    //  timer is set. A RuntimeException from a sink propagates; the timers not yet called stay due.
    protected long executeTimers()
    {
        assert (Thread.currentThread() == worker);

        if (timers.isEmpty()) {
            return 0L;
        }
        long now = clock();
        while (true) {
            TimerQueue.Timer<IPollEvents> due;
            while ((due = timers.pollDue(now)) != null) {
                due.sink().timerEvent(due.id());
            }
            if (timers.isEmpty()) {
                return 0L;
            }
            // the calls took time: look again before saying how long to wait
            now = clock();
            long next = timers.nextExpiry();
            if (next > now) {
                return next - now;
            }
        }
    }
}
