package zmq.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.edgegateway.transport.TimerQueue;

import zmq.Ctx;

/**
 * The poller on its own thread with real channels (pipes), driven the way JeroMQ drives it: every
 * call after start() is made from the worker thread, here through a small command pipe.
 */
class PollerIT {
    static final long WAIT_S = 20;

    Ctx ctx;
    Poller poller;
    Commands commands;
    final List<Throwable> notified = new CopyOnWriteArrayList<>();
    final List<Thread> notifiedOn = new CopyOnWriteArrayList<>();

    /** Runs tasks on the worker thread: a pipe registered for reading, like JeroMQ's mailbox. */
    static final class Commands implements IPollEvents {
        final Pipe pipe;
        final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final Poller poller;
        Poller.Handle handle;

        Commands(Poller poller) throws IOException {
            this.poller = poller;
            pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            handle = poller.addHandle(pipe.source(), this);
            poller.setPollIn(handle);
        }

        void run(Runnable task) {
            tasks.add(task);
            write(pipe.sink(), 1);
        }

        /** Runs the task on the worker and waits for it. */
        void call(Runnable task) throws InterruptedException {
            CountDownLatch done = new CountDownLatch(1);
            run(() -> {
                try {
                    task.run();
                } finally {
                    done.countDown();
                }
            });
            assertThat(done.await(WAIT_S, TimeUnit.SECONDS)).as("the worker ran the task").isTrue();
        }

        @Override
        public void inEvent() {
            drain(pipe.source());
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    /** Records events; may act on them. */
    static class Recorder implements IPollEvents {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final Pipe.SourceChannel source;
        volatile Runnable onIn = () -> { };

        Recorder(Pipe.SourceChannel source) {
            this.source = source;
        }

        @Override
        public void inEvent() {
            events.add("in:" + drain(source) + ":" + Thread.currentThread().getName());
            onIn.run();
        }

        @Override
        public void outEvent() {
            events.add("out");
        }

        @Override
        public void timerEvent(int id) {
            events.add("timer:" + id + ":" + Thread.currentThread().getName());
        }
    }

    static void write(Pipe.SinkChannel sink, int bytes) {
        try {
            ByteBuffer b = ByteBuffer.allocate(bytes);
            while (b.hasRemaining()) {
                sink.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int drain(Pipe.SourceChannel source) {
        try {
            ByteBuffer b = ByteBuffer.allocate(4096);
            int total = 0;
            int n;
            while ((n = source.read(b)) > 0) {
                total += n;
                b.clear();
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Pipe pipe() throws IOException {
        Pipe p = Pipe.open();
        p.source().configureBlocking(false);
        p.sink().configureBlocking(false);
        return p;
    }

    @BeforeEach
    void start() throws IOException {
        ctx = new Ctx();
        ctx.setNotificationExceptionHandler((t, e) -> {
            notifiedOn.add(t);
            notified.add(e);
        });
        poller = new Poller(ctx, "iothread-test");
        commands = new Commands(poller);
        poller.start();
    }

    @AfterEach
    void stop() {
        poller.destroy();
        ctx.terminate();
    }

    @Test
    void readEventsFollowTheInterestSet() throws Exception {
        Pipe p = pipe();
        Recorder r = new Recorder(p.source());
        AtomicReference<Poller.Handle> h = new AtomicReference<>();
        commands.call(() -> {
            h.set(poller.addHandle(p.source(), r));
            poller.setPollIn(h.get());
        });
        write(p.sink(), 3);
        assertThat(r.events.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("in:3:iothread-test");

        commands.call(() -> poller.resetPollIn(h.get()));
        write(p.sink(), 2);
        assertThat(r.events.poll(300, TimeUnit.MILLISECONDS)).as("no read interest, no event").isNull();

        commands.call(() -> poller.setPollIn(h.get()));
        assertThat(r.events.poll(WAIT_S, TimeUnit.SECONDS)).as("the waiting bytes, once interested again")
                .isEqualTo("in:2:iothread-test");
    }

    @Test
    void writeEventsUntilTheInterestIsReset() throws Exception {
        Pipe p = pipe();
        AtomicReference<Poller.Handle> h = new AtomicReference<>();
        AtomicInteger outs = new AtomicInteger();
        IPollEvents writer = new IPollEvents() {
            @Override
            public void outEvent() {
                if (outs.incrementAndGet() == 3) {
                    poller.resetPollOut(h.get());
                }
            }
        };
        commands.call(() -> {
            h.set(poller.addHandle(p.sink(), writer));
            poller.setPollOut(h.get());
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (outs.get() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        assertThat(outs.get()).as("a writable pipe is reported until the handler resets its interest").isEqualTo(3);
    }

    /**
     * JeroMQ's connecter removes its handle and, in the same turn, the stream engine adds one for the
     * same channel. The channel's old key is still in the selector then; the new handle must still
     * get the channel's events.
     */
    @Test
    void aChannelRemovedAndAddedAgainInOneTurnStillGetsEvents() throws Exception {
        Pipe p = pipe();
        Recorder second = new Recorder(p.source());
        Recorder first = new Recorder(p.source());
        AtomicReference<Poller.Handle> h = new AtomicReference<>();
        first.onIn = () -> {
            poller.removeHandle(h.get());
            Poller.Handle next = poller.addHandle(p.source(), second);
            poller.setPollIn(next);
        };
        commands.call(() -> {
            h.set(poller.addHandle(p.source(), first));
            poller.setPollIn(h.get());
        });
        write(p.sink(), 1);
        assertThat(first.events.poll(WAIT_S, TimeUnit.SECONDS)).startsWith("in:1");
        write(p.sink(), 4);
        assertThat(second.events.poll(WAIT_S, TimeUnit.SECONDS)).as("the new handle is told").startsWith("in:4");
        assertThat(first.events).as("the removed handle is not").isEmpty();
        assertThat(poller.getLoad()).as("commands + the second handle").isEqualTo(2);
    }

    @Test
    void aRemovedHandleGetsNoMoreEventsEvenFromTheBatchItWasRemovedIn() throws Exception {
        Pipe a = pipe();
        Pipe b = pipe();
        Recorder ra = new Recorder(a.source());
        Recorder rb = new Recorder(b.source());
        AtomicReference<Poller.Handle> ha = new AtomicReference<>();
        AtomicReference<Poller.Handle> hb = new AtomicReference<>();
        // whichever is told first removes the other
        ra.onIn = () -> poller.removeHandle(hb.get());
        rb.onIn = () -> poller.removeHandle(ha.get());
        commands.call(() -> {
            ha.set(poller.addHandle(a.source(), ra));
            poller.setPollIn(ha.get());
            hb.set(poller.addHandle(b.source(), rb));
            poller.setPollIn(hb.get());
        });
        // both readable before the worker wakes up: one select reports both
        commands.call(() -> {
            write(a.sink(), 1);
            write(b.sink(), 1);
        });
        Thread.sleep(300);
        assertThat(ra.events.size() + rb.events.size()).as("only the survivor was told").isEqualTo(1);
    }

    @Test
    void timersFireOnTheWorkerAndCanBeCancelled() throws Exception {
        Pipe p = pipe();
        Recorder r = new Recorder(p.source());
        commands.call(() -> {
            poller.addTimer(50, r, 1);
            poller.addTimer(20, r, 2);
            poller.addTimer(30, r, 3);
            poller.cancelTimer(r, 3);
        });
        assertThat(r.events.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("timer:2:iothread-test");
        assertThat(r.events.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("timer:1:iothread-test");
        assertThat(r.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    static final Path THREAD_STATUS = Path.of("/proc/thread-self/status");

    /** How often the calling thread has blocked so far (Linux): each wake-up of a poller adds one. */
    static long voluntarySwitches() {
        try {
            for (String line : Files.readAllLines(THREAD_STATUS)) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no voluntary_ctxt_switches in " + THREAD_STATUS);
    }

    @Test
    void timersDueWithinTheSlackOfEachOtherFireInOneWakeUp() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(THREAD_STATUS), "Linux /proc/thread-self");
        int timers = 20;
        // one a millisecond over twice the slack: JeroMQ's loop (and this one without the slack)
        // wakes up for each; with it, they fire in about two wake-ups, none before it is due
        List<long[]> fired = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(timers);
        long[] setAt = new long[1];
        IPollEvents sink = new IPollEvents() {
            @Override
            public void timerEvent(int id) {
                fired.add(new long[] {id, voluntarySwitches(), System.nanoTime()});
                all.countDown();
            }
        };
        commands.call(() -> {
            setAt[0] = System.nanoTime();
            for (int i = 1; i <= timers; i++) {
                poller.addTimer(i * TimerQueue.SLACK_MILLIS * 2 / timers, sink, i);
            }
        });
        assertThat(all.await(WAIT_S, TimeUnit.SECONDS)).as("every timer fired").isTrue();

        long wakeUps = fired.stream().mapToLong(f -> f[1]).distinct().count();
        // About two; the thread may also block for reasons of the JVM's own (a safepoint, a page
        // fault) on a loaded machine, each one more switch. A loop without the slack takes one per
        // timer, so half of them still tells the two apart.
        assertThat(wakeUps).as("wake-ups for %d timers over %d ms", timers, 2 * TimerQueue.SLACK_MILLIS)
                .isLessThanOrEqualTo(timers / 2);
        for (long[] f : fired) {
            long dueMillis = f[0] * TimerQueue.SLACK_MILLIS * 2 / timers;
            // the poller's clock counts whole milliseconds: a timer may fire up to 1 ms before its time
            assertThat(TimeUnit.NANOSECONDS.toMillis(f[2] - setAt[0])).as("timer %d not early", f[0])
                    .isGreaterThanOrEqualTo(dueMillis - 1);
        }
    }

    @Test
    void exceptionsFromEventsAndTimersAreNotifiedAndTheLoopGoesOn() throws Exception {
        Pipe p = pipe();
        AtomicInteger ins = new AtomicInteger();
        IPollEvents failing = new IPollEvents() {
            @Override
            public void inEvent() {
                drain(p.source());
                ins.incrementAndGet();
                throw new IllegalStateException("in failed");
            }

            @Override
            public void timerEvent(int id) {
                throw new IllegalStateException("timer failed");
            }
        };
        commands.call(() -> {
            Poller.Handle h = poller.addHandle(p.source(), failing);
            poller.setPollIn(h);
            poller.addTimer(10, failing, 1);
        });
        write(p.sink(), 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (notified.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(notified).extracting(Throwable::getMessage).containsExactlyInAnyOrder("in failed", "timer failed");
        assertThat(notifiedOn).allMatch(t -> t.getName().equals("iothread-test"));

        write(p.sink(), 1);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (ins.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ins.get()).as("still polling after the failures").isEqualTo(2);
    }

    @Test
    void loadCountsRegisteredChannels() throws Exception {
        Pipe p = pipe();
        assertThat(poller.getLoad()).isEqualTo(1);
        AtomicReference<Poller.Handle> h = new AtomicReference<>();
        commands.call(() -> h.set(poller.addHandle(p.source(), new Recorder(p.source()))));
        assertThat(poller.getLoad()).isEqualTo(2);
        commands.call(() -> {
            poller.removeHandle(h.get());
            poller.removeHandle(h.get());
        });
        assertThat(poller.getLoad()).as("a second remove of the same handle changes nothing").isEqualTo(1);
    }

    @Test
    void aClosedChannelIsDroppedQuietly() throws Exception {
        Pipe p = pipe();
        Recorder r = new Recorder(p.source());
        commands.call(() -> {
            Poller.Handle h = poller.addHandle(p.source(), r);
            poller.setPollIn(h);
        });
        p.source().close();
        p.sink().close();
        commands.call(() -> { });
        Pipe q = pipe();
        Recorder rq = new Recorder(q.source());
        commands.call(() -> poller.setPollIn(poller.addHandle(q.source(), rq)));
        write(q.sink(), 1);
        assertThat(rq.events.poll(WAIT_S, TimeUnit.SECONDS)).startsWith("in:1");
        assertThat(notified).isEmpty();
    }

    @Test
    void stopFromTheWorkerEndsTheLoopAndDestroyWaitsForIt() throws Exception {
        commands.run(poller::stop);
        poller.destroy();
        // destroy() returns once the loop has ended; the thread itself may take a moment more to exit.
        poller.worker.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertThat(poller.worker.isAlive()).isFalse();
    }

    @Test
    void destroyingAPollerThatNeverStartedReturns() {
        Ctx other = new Ctx();
        Poller idle = new Poller(other, "never-started");
        idle.destroy();
        assertThat(idle.worker.getState()).isEqualTo(Thread.State.NEW);
        other.terminate();
    }
}
