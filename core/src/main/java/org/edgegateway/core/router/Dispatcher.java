package org.edgegateway.core.router;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs handlers on a pool of {@code egw-worker-N} threads, never on the router thread, with a time
 * limit per call. Thread-safe. Each job ends in exactly one reply handed to {@code replies}: the
 * handler's answer, or {@code HANDLER_FAILED} for an exception or a call past the time limit (whose
 * worker is interrupted); or nothing at all when {@link #submit} refuses it because {@code queue}
 * jobs are already waiting (the caller answers {@code BUSY}).
 *
 * <p>Jobs of one connection run one after the other, in arrival order, so that a client that
 * pipelines without correlation ids gets its answers in order; jobs of different connections run in
 * parallel. A call past its time limit releases its connection's next job at once, even though its
 * worker may stay busy until the handler returns.
 */
final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final BiConsumer<Job, Reply> replies;
    private final int limit;
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<RoutingId, ArrayDeque<Call>> lanes = new ConcurrentHashMap<>();

    Dispatcher(int threads, int queue, Duration timeout, BiConsumer<Job, Reply> replies) {
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "egw-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "egw-handler-timer");
            t.setDaemon(true);
            return t;
        });
        this.timeout = timeout;
        this.replies = replies;
        this.limit = queue;
    }

    /** Queues a job; false when {@code queue} jobs are already waiting or running. */
    boolean submit(Job job) {
        if (workers.isShutdown()) {
            return false;
        }
        if (pending.incrementAndGet() > limit) {
            pending.decrementAndGet();
            return false;
        }
        Call call = new Call(job);
        ArrayDeque<Call> lane = lanes.computeIfAbsent(job.routingId(), k -> new ArrayDeque<>());
        boolean first;
        synchronized (lane) {
            lane.add(call);
            first = lane.size() == 1;
            if (first) {
                lanes.putIfAbsent(job.routingId(), lane);
            }
        }
        if (first) {
            start(call);
        }
        return true;
    }

    private void start(Call call) {
        try {
            call.running = workers.submit(call);
            call.deadline = timer.schedule(call::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            call.finish(Reply.error(call.job.envelope(), ErrorCode.BUSY, "the gateway is stopping"));
        }
    }

    /** Called once per call, by whichever of completion and deadline came first: starts the lane's next call. */
    private void advance(Call done) {
        pending.decrementAndGet();
        RoutingId key = done.job.routingId();
        ArrayDeque<Call> lane = lanes.get(key);
        if (lane == null) {
            return;
        }
        Call next;
        synchronized (lane) {
            lane.remove(done);
            next = lane.peek();
            if (next == null) {
                lanes.remove(key, lane);
            }
        }
        if (next != null) {
            start(next);
        }
    }

    /** One handler call: whichever of completion and deadline comes first answers. */
    private final class Call implements Runnable {
        private final Job job;
        private final AtomicBoolean done = new AtomicBoolean();
        volatile Future<?> running;
        volatile ScheduledFuture<?> deadline;

        Call(Job job) {
            this.job = job;
        }

        @Override
        public void run() {
            Reply reply;
            try {
                HandlerResult result = job.handler().handle(job.message());
                reply = toReply(job, result);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception | LinkageError | StackOverflowError e) {
                LOG.warn("dispatch: handler for {} failed on a message from client {} key {} peer {}: {}",
                        job.message().type(), job.message().clientName(), job.message().clientKey(),
                        job.message().peerAddress(), e.toString());
                reply = Reply.error(job.envelope(), ErrorCode.HANDLER_FAILED, "handler for " + job.message().type() + " failed");
            }
            ScheduledFuture<?> d = deadline;
            if (d != null) {
                d.cancel(false);
            }
            finish(reply);
        }

        void expire() {
            if (done.get()) {
                return;
            }
            Future<?> r = running;
            if (r != null) {
                r.cancel(true);
            }
            if (finish(Reply.error(job.envelope(), ErrorCode.HANDLER_FAILED,
                    "handler for " + job.message().type() + " timed out after " + timeout.toMillis() + " ms"))) {
                LOG.warn("dispatch: handler for {} from client {} key {} peer {} exceeded {} ms", job.message().type(),
                        job.message().clientName(), job.message().clientKey(), job.message().peerAddress(),
                        timeout.toMillis());
            }
        }

        boolean finish(Reply reply) {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            try {
                replies.accept(job, reply);
            } finally {
                advance(this);
            }
            return true;
        }
    }

    static Reply toReply(Job job, HandlerResult result) {
        if (result == null) {
            return Reply.error(job.envelope(), ErrorCode.HANDLER_FAILED, "handler returned no result");
        }
        return switch (result.outcome()) {
            case ACK -> Reply.ack(job.envelope(), result.detail());
            case BAD_PAYLOAD -> Reply.error(job.envelope(), ErrorCode.BAD_PAYLOAD, result.detail());
            case HANDLER_FAILED -> Reply.error(job.envelope(), ErrorCode.HANDLER_FAILED, result.detail());
            case BUSY -> Reply.error(job.envelope(), ErrorCode.BUSY, result.detail());
        };
    }

    /** Jobs admitted and not answered yet. */
    int pending() {
        return pending.get();
    }

    /** Stops taking jobs and waits up to {@code grace} for running ones. */
    void shutdown(Duration grace) {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
