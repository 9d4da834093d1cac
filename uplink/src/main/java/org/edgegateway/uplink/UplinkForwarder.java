package org.edgegateway.uplink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.edgegateway.client.GatewayClient;
import org.edgegateway.client.GatewayClientException;
import org.edgegateway.core.health.Health;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the {@link UplinkQueue} to the upstream gateway, on its own thread, {@code egw-uplink}, which
 * owns the {@link GatewayClient} (the client's socket has its own thread, as always). Thread-safe:
 * other threads only call {@link #stats()} and {@link #close()}.
 *
 * <h2>Delivery</h2>
 * At least once on the wire, recorded once upstream. The thread reads the oldest
 * {@code uplink.window} messages, sends them pipelined as {@value UplinkEnvelope#TYPE} messages, each
 * under its stable message id (the queue's id and the message's sequence number), and waits for
 * every answer. A message is deleted from the queue only after the upstream ACKed it. Whatever else
 * happens (timeout, lost link, {@code BUSY}, the edge killed) the message stays and is sent again
 * under the same id: the upstream's de-duplication window, and the durable de-duplication of
 * {@link UplinkReceiver}, record it once.
 *
 * <h2>Order</h2>
 * Messages leave in queue order, and one connection is processed in order upstream, so they are
 * recorded in order. Only a retry can overtake: when a message of a window is not ACKed, the ACKed ones
 * after it are recorded before it. The envelope carries the edge's sequence number, so the upstream
 * can always restore the edge's order.
 *
 * <h2>Refusals</h2>
 * {@code BAD_PAYLOAD} and {@code TOO_LARGE} are final: the message goes to the dead-letter table,
 * logged and counted, and the queue moves on. Every other refusal ({@code UNKNOWN_TYPE} while the
 * upstream lacks the receiver, {@code BUSY}, {@code RATE_LIMITED}, {@code QUARANTINED},
 * {@code REVOKED}, {@code HANDLER_FAILED}) and every failure to get an answer keeps the message and
 * pauses, doubling from 100 ms up to {@code uplink.retry-max}. Those that only a change on the
 * upstream can end ({@code UNKNOWN_TYPE}, {@code REVOKED}, {@code QUARANTINED}, a refused handshake)
 * are never silent: see {@link RefusalWatch}.
 */
public final class UplinkForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UplinkForwarder.class);

    private final UplinkQueue queue;
    private final UplinkConfig config;
    private final Supplier<GatewayClient> clients;
    private final Health health;
    private final RefusalWatch refusals;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastError = "";
    private volatile GatewayClient client;
    private final Object pauseLock = new Object();

    private UplinkForwarder(UplinkQueue queue, UplinkConfig config, Supplier<GatewayClient> clients, Health health,
                            java.time.Clock clock) {
        this.queue = queue;
        this.health = health;
        this.refusals = new RefusalWatch(clock);
        this.config = config;
        this.clients = clients;
        this.thread = new Thread(this::run, "egw-uplink");
        thread.setDaemon(true);
    }

    /**
     * Starts draining {@code queue} through clients made by {@code clients} (called again after the
     * client gives up on the handshake or closes).
     */
    public static UplinkForwarder start(UplinkQueue queue, UplinkConfig config, Supplier<GatewayClient> clients) {
        return start(queue, config, clients, new Health(java.time.Clock.systemUTC()), java.time.Clock.systemUTC());
    }

    /**
     * As above, reporting to {@code health} a death of the thread: its loop ending by a failure (an
     * {@link Error}: every exception is retried) while the uplink runs.
     */
    public static UplinkForwarder start(UplinkQueue queue, UplinkConfig config, Supplier<GatewayClient> clients,
                                        Health health, java.time.Clock clock) {
        UplinkForwarder f = new UplinkForwarder(queue, config, clients, health, clock);
        f.thread.start();
        return f;
    }

    /** A client for {@code config}'s bundle and endpoint, with the uplink's timeouts. */
    public static GatewayClient client(UplinkConfig config) {
        GatewayClient.Builder b = GatewayClient.builder().bundle(config.bundle())
                .requestTimeout(config.requestTimeout())
                .reconnectInterval(Duration.ofMillis(100), Duration.ofSeconds(2))
                .heartbeat(Duration.ofSeconds(5), Duration.ofSeconds(15))
                .maxInFlight(config.window() + 16);
        if (!config.endpoint().isEmpty()) {
            b.endpoint(config.endpoint());
        }
        return b.build();
    }

    public UplinkStats stats() {
        GatewayClient c = client;
        RefusalWatch.Refusal r = refusals.current();
        return new UplinkStats(queue.size(), forwarded.get(), attempts.get(), queue.deadLettered(),
                c != null && c.isConnected(), lastError, refusals.refusals(),
                r == null ? "" : r.describe(), r == null ? "" : r.remedy(), r == null ? null : r.since());
    }

    private void run() {
        Throwable failure = null;
        try {
            drain();
        } catch (Throwable e) {
            failure = e;
        } finally {
            GatewayClient c = client;
            client = null;
            if (c != null) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    LOG.debug("uplink: closing the client failed: {}", e.toString());
                }
            }
            if (running && failure != null) {
                health.died(Health.UPLINK, failure);
            }
        }
    }

    private void drain() {
        long pauseMillis = 0;
        while (running) {
            try {
                if (pauseMillis > 0) {
                    pause(pauseMillis);
                    if (!running) {
                        break;
                    }
                }
                List<QueuedMessage> batch = queue.peek(config.window());
                if (batch.isEmpty()) {
                    queue.awaitAppend(500);
                    pauseMillis = 0;
                    continue;
                }
                boolean allDone = sendBatch(batch);
                pauseMillis = allDone ? 0 : Math.min(config.retryMax().toMillis(), Math.max(100, pauseMillis * 2));
            } catch (InterruptedException e) {
                // Nobody interrupts this thread; if it happens, stop as if closed.
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.error("uplink: drain failed, retrying", e);
                pauseMillis = Math.min(config.retryMax().toMillis(), Math.max(100, pauseMillis * 2));
            }
        }
    }

    private void pause(long millis) throws InterruptedException {
        synchronized (pauseLock) {
            if (running) {
                pauseLock.wait(millis);
            }
        }
    }

    /** Sends one window and waits for every answer; true when each message was ACKed or dead-lettered. */
    private boolean sendBatch(List<QueuedMessage> batch) throws InterruptedException {
        GatewayClient c = client;
        if (c == null) {
            c = clients.get();
            client = c;
        }
        List<CompletableFuture<Reply>> answers = new ArrayList<>(batch.size());
        for (QueuedMessage m : batch) {
            UplinkEnvelope envelope = new UplinkEnvelope(queue.messageIdHex(m.seq()), m.seq(), c.name(), m.sensor(),
                    m.sensorKey(), m.type(), m.receivedAt(), m.payload());
            attempts.incrementAndGet();
            answers.add(c.sendAsync(queue.messageId(m.seq()), UplinkEnvelope.TYPE, envelope.encode(),
                    config.requestTimeout()));
        }
        List<Long> delivered = new ArrayList<>(batch.size());
        boolean allDone = true;
        boolean renewClient = false;
        String refusedCode = null;
        String refusedDetail = null;
        int refused = 0;
        for (int i = 0; i < batch.size(); i++) {
            QueuedMessage m = batch.get(i);
            Reply reply;
            try {
                reply = answers.get(i).get(config.requestTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                allDone = false;
                lastError = e.getCause().getMessage();
                if (e.getCause() instanceof GatewayClientException g
                        && (g.kind() == GatewayClientException.Kind.CLOSED
                        || g.kind() == GatewayClientException.Kind.HANDSHAKE_FAILED)) {
                    renewClient = true;
                    if (g.kind() == GatewayClientException.Kind.HANDSHAKE_FAILED) {
                        refusedCode = RefusalWatch.HANDSHAKE_REFUSED;
                        refusedDetail = g.getMessage();
                        refused++;
                    }
                }
                continue;
            } catch (TimeoutException e) {
                allDone = false;
                lastError = "no answer from the upstream at " + c.endpoint();
                renewClient = true;
                continue;
            }
            if (reply.isAck()) {
                delivered.add(m.seq());
            } else if (reply.code() == ErrorCode.BAD_PAYLOAD || reply.code() == ErrorCode.TOO_LARGE) {
                LOG.warn("uplink: the upstream refused message {} of {} for good, dead-lettered: {}", m.seq(),
                        m.sensor(), reply.detailText());
                queue.deadLetter(m, reply.detailText());
            } else {
                allDone = false;
                lastError = reply.detailText();
                if (reply.code() == ErrorCode.UNKNOWN_TYPE || reply.code() == ErrorCode.REVOKED
                        || reply.code() == ErrorCode.QUARANTINED) {
                    refusedCode = reply.code().name();
                    refusedDetail = reply.detailText();
                    refused++;
                }
            }
        }
        if (!delivered.isEmpty()) {
            refusals.accepted(c.endpoint(), queue.size() - delivered.size());
        } else if (refused > 0) {
            refusals.refused(refusedCode, refusedDetail, refused, c.endpoint(), queue.size());
        }
        queue.delete(delivered);
        forwarded.addAndGet(delivered.size());
        if (!allDone) {
            LOG.debug("uplink: {} of {} delivered; retrying: {}", delivered.size(), batch.size(), lastError);
        }
        if (renewClient) {
            LOG.info("uplink: reconnecting to the upstream ({})", lastError);
            client = null;
            c.close();
        }
        return allDone;
    }

    /**
     * Stops draining (what is queued stays for the next start) and closes the client. Idempotent. The
     * thread is woken, never interrupted: an interrupt would close H2's file channels mid-write.
     */
    @Override
    public void close() {
        running = false;
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
        queue.wakeWaiters();
        GatewayClient c = client;
        if (c != null) {
            // Fails the answers the thread may be waiting for, at once.
            c.close();
        }
        try {
            thread.join(15_000);
            if (thread.isAlive()) {
                LOG.warn("uplink: the forwarder did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
