package org.edgegateway.dist;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayMetrics;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.uplink.Uplink;
import org.edgegateway.uplink.UplinkStats;

/** Exposes a gateway's counters as meters (for /metrics); the meters read the counters when scraped. */
final class PrometheusMeters {
    /** The reasons the ZAP handler gives for a refusal. */
    static final List<String> DENIAL_REASONS = List.of("unknown-key", "revoked", "quarantined", "banned",
            "pending", "mechanism", "malformed", "error");

    private PrometheusMeters() {
    }

    static void bind(MeterRegistry registry, Gateway gateway) {
        GatewayMetrics m = gateway.metrics();
        counter(registry, "egw.messages.received", m, GatewayMetrics::messagesIn,
                "Messages received from authenticated clients");
        FunctionCounter.builder("egw.bytes.received", m, GatewayMetrics::bytesIn)
                .baseUnit("bytes").description("Bytes received: every frame after the routing id").register(registry);
        FunctionCounter.builder("egw.bytes.sent", m, GatewayMetrics::bytesOut)
                .baseUnit("bytes").description("Bytes of the answers sent: every frame after the routing id")
                .register(registry);
        counter(registry, "egw.replies.ack", m, GatewayMetrics::acks, "ACK replies sent");
        for (ErrorCode code : ErrorCode.values()) {
            FunctionCounter.builder("egw.replies.error", m, g -> g.errors(code))
                    .tag("code", code.name()).description("ERROR replies sent, by code").register(registry);
        }
        for (String reason : DENIAL_REASONS) {
            FunctionCounter.builder("egw.zap.denials", m, g -> g.zapDenialsByReason().getOrDefault(reason, 0L))
                    .tag("reason", reason).description("Refused handshakes, by reason").register(registry);
        }
        counter(registry, "egw.zap.allowed", m, GatewayMetrics::handshakesAllowed, "Handshakes admitted");
        counter(registry, "egw.messages.dropped", m, GatewayMetrics::dropped, "Messages dropped without an answer");
        counter(registry, "egw.replies.unroutable", m, GatewayMetrics::repliesUnroutable,
                "Answers that could not be delivered (client gone or its queue full)");
        counter(registry, "egw.messages.duplicate", m, GatewayMetrics::duplicates,
                "Retries answered from the de-duplication window");
        counter(registry, "egw.transport.faults", m, GatewayMetrics::transportFaults,
                "Faults raised inside the transport's threads");
        counter(registry, "egw.admission.rate_limited", m, GatewayMetrics::rateLimitedMessages,
                "Messages dropped for being over the client's rate");
        counter(registry, "egw.admission.rate_limited.silent", m, GatewayMetrics::rateLimitedSilently,
                "Rate-limited messages dropped without an answer (answers are throttled)");
        counter(registry, "egw.admission.quarantined.discarded", m, GatewayMetrics::quarantinedDiscarded,
                "Messages of quarantined clients discarded");
        counter(registry, "egw.quarantines", m, GatewayMetrics::quarantines, "Clients quarantined");
        counter(registry, "egw.quarantines.automatic", m, GatewayMetrics::quarantinesAutomatic,
                "Clients quarantined by flood defence");
        counter(registry, "egw.releases", m, GatewayMetrics::releases, "Quarantines ended");
        counter(registry, "egw.releases.expired", m, GatewayMetrics::releasesByExpiry, "Quarantines ended by expiry");
        counter(registry, "egw.bans", m, GatewayMetrics::bans, "Addresses banned at the handshake");
        counter(registry, "egw.bans.removed", m, GatewayMetrics::bansRemoved, "Bans removed by an admin");
        Gauge.builder("egw.clients.connected", gateway, g -> g.admin().connections().size())
                .description("Authenticated connections").register(registry);
    }

    private static void counter(MeterRegistry registry, String name, GatewayMetrics m,
                                java.util.function.ToDoubleFunction<GatewayMetrics> count, String description) {
        FunctionCounter.builder(name, m, count).description(description).register(registry);
    }

    /**
     * The worker backend's meters, per worker name and per type (tag {@code worker} or {@code type}):
     * requests sent, served, failed, in flight, and the time workers took to answer; per worker also
     * the BATCH frames of a batched worker, the requests they carried, and its malformed frames.
     */
    static void bindWorkers(MeterRegistry registry, org.edgegateway.core.workers.WorkerHub hub) {
        hub.onStats(st -> {
            io.micrometer.core.instrument.Tags tags = io.micrometer.core.instrument.Tags.of(st.kind(), st.name());
            String prefix = "egw.workers." + (st.kind().equals("worker") ? "worker" : "type");
            FunctionCounter.builder(prefix + ".requests", st, org.edgegateway.core.workers.WorkerStats::sent).tags(tags)
                    .description("Requests sent to workers").register(registry);
            FunctionCounter.builder(prefix + ".served", st, org.edgegateway.core.workers.WorkerStats::served).tags(tags)
                    .description("Requests answered ACK or BAD_PAYLOAD in time").register(registry);
            FunctionCounter.builder(prefix + ".failed", st, org.edgegateway.core.workers.WorkerStats::failed).tags(tags)
                    .description("Requests answered ERROR, too late, or lost with a worker").register(registry);
            Gauge.builder(prefix + ".in_flight", st, org.edgegateway.core.workers.WorkerStats::inFlight).tags(tags)
                    .description("Requests inside workers now").register(registry);
            io.micrometer.core.instrument.FunctionTimer.builder(prefix + ".latency", st,
                            org.edgegateway.core.workers.WorkerStats::answers,
                            org.edgegateway.core.workers.WorkerStats::answerSeconds, java.util.concurrent.TimeUnit.SECONDS)
                    .tags(tags).description("Time from request to reply").register(registry);
            if (st.kind().equals("worker")) {
                FunctionCounter.builder(prefix + ".batches", st, org.edgegateway.core.workers.WorkerStats::batches)
                        .tags(tags).description("BATCH frames sent to a batched worker").register(registry);
                FunctionCounter.builder(prefix + ".batched_requests", st,
                                org.edgegateway.core.workers.WorkerStats::batchedRequests)
                        .tags(tags).description("Requests those BATCH frames carried").register(registry);
                FunctionCounter.builder(prefix + ".bad_frames", st, org.edgegateway.core.workers.WorkerStats::badFrames)
                        .tags(tags).description("Malformed frames from the worker, dropped or applied in part")
                        .register(registry);
            }
        });
        Gauge.builder("egw.workers.connected", hub, h -> h.workers().size())
                .description("Connected workers").register(registry);
    }

    /** The uplink's meters: queue, deliveries, and whether the upstream refuses its traffic. */
    static void bindUplink(MeterRegistry registry, Uplink uplink) {
        Gauge.builder("egw.uplink.waiting", uplink, u -> stat(u, UplinkStats::waiting))
                .description("Messages queued for the upstream").register(registry);
        FunctionCounter.builder("egw.uplink.forwarded", uplink, u -> stat(u, UplinkStats::forwarded))
                .description("Messages the upstream ACKed").register(registry);
        FunctionCounter.builder("egw.uplink.dead_lettered", uplink, u -> stat(u, UplinkStats::deadLettered))
                .description("Messages the upstream refused for good (BAD_PAYLOAD, TOO_LARGE)").register(registry);
        FunctionCounter.builder("egw.uplink.refusals", uplink, u -> stat(u, UplinkStats::refusals))
                .description("Messages the upstream refused until its configuration changes (UNKNOWN_TYPE, REVOKED,"
                        + " QUARANTINED, a refused handshake); they stay queued").register(registry);
        Gauge.builder("egw.uplink.refused", uplink, u -> {
            UplinkStats s = u.stats();
            return s != null && s.refused() ? 1 : 0;
        }).description("1 while the upstream refuses uplink traffic, else 0").register(registry);
    }

    private static double stat(Uplink uplink, java.util.function.ToLongFunction<UplinkStats> field) {
        UplinkStats s = uplink.stats();
        return s == null ? 0 : field.applyAsLong(s);
    }
}
