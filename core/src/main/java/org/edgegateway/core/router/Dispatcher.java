package org.edgegateway.core.router;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
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
 * Runs handlers on a bounded pool of {@code egw-worker-N} threads, never on the router thread, with a
 * time limit per call. Thread-safe. Each job ends in exactly one reply handed to {@code replies}:
 * the handler's answer, {@code HANDLER_FAILED} for an exception or a call past the time limit
 * (whose worker is interrupted), or nothing at all when {@link #submit} refuses the job because the
 * queue is full (the caller answers {@code BUSY}).
 */
final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final BiConsumer<Job, Reply> replies;

    Dispatcher(int threads, int queue, Duration timeout, BiConsumer<Job, Reply> replies) {
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "egw-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "egw-handler-timer");
            t.setDaemon(true);
            return t;
        });
        this.timeout = timeout;
        this.replies = replies;
    }

    /** Queues a job; false when the pool's queue is full. */
    boolean submit(Job job) {
        Call call = new Call(job);
        try {
            call.running = workers.submit(call);
        } catch (RejectedExecutionException e) {
            return false;
        }
        call.deadline = timer.schedule(call::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
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
                LOG.warn("dispatch: handler for {} failed on a message from {}: {}", job.message().type(),
                        job.message().clientName(), e.toString());
                reply = Reply.error(job.envelope(), ErrorCode.HANDLER_FAILED, "handler for " + job.message().type() + " failed");
            }
            if (done.compareAndSet(false, true)) {
                ScheduledFuture<?> d = deadline;
                if (d != null) {
                    d.cancel(false);
                }
                replies.accept(job, reply);
            }
        }

        void expire() {
            if (done.compareAndSet(false, true)) {
                Future<?> r = running;
                if (r != null) {
                    r.cancel(true);
                }
                LOG.warn("dispatch: handler for {} from {} exceeded {} ms", job.message().type(),
                        job.message().clientName(), timeout.toMillis());
                replies.accept(job, Reply.error(job.envelope(), ErrorCode.HANDLER_FAILED,
                        "handler for " + job.message().type() + " timed out after " + timeout.toMillis() + " ms"));
            }
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

    /** Jobs waiting for a worker. */
    int queued() {
        return workers.getQueue().size();
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
