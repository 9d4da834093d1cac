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
            "mechanism", "malformed", "error");

    private PrometheusMeters() {
    }

    static void bind(MeterRegistry registry, Gateway gateway) {
        GatewayMetrics m = gateway.metrics();
        FunctionCounter.builder("egw.messages.received", m, GatewayMetrics::messagesIn)
                .description("Messages received from authenticated clients").register(registry);
        FunctionCounter.builder("egw.bytes.received", m, GatewayMetrics::bytesIn)
                .baseUnit("bytes").description("Payload bytes received").register(registry);
        FunctionCounter.builder("egw.replies.ack", m, GatewayMetrics::acks)
                .description("ACK replies sent").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            FunctionCounter.builder("egw.replies.error", m, g -> g.errors(code))
                    .tag("code", code.name()).description("ERROR replies sent, by code").register(registry);
        }
        for (String reason : DENIAL_REASONS) {
            FunctionCounter.builder("egw.zap.denials", m, g -> g.zapDenialsByReason().getOrDefault(reason, 0L))
                    .tag("reason", reason).description("Refused handshakes, by reason").register(registry);
        }
        FunctionCounter.builder("egw.zap.allowed", m, GatewayMetrics::handshakesAllowed)
                .description("Handshakes admitted").register(registry);
        FunctionCounter.builder("egw.messages.dropped", m, GatewayMetrics::dropped)
                .description("Messages dropped without an answer").register(registry);
        FunctionCounter.builder("egw.replies.unroutable", m, GatewayMetrics::repliesUnroutable)
                .description("Answers that could not be delivered (client gone or its queue full)").register(registry);
        FunctionCounter.builder("egw.messages.duplicate", m, GatewayMetrics::duplicates)
                .description("Retries answered from the de-duplication window").register(registry);
        FunctionCounter.builder("egw.transport.faults", m, GatewayMetrics::transportFaults)
                .description("Faults raised inside the transport's threads").register(registry);
        FunctionCounter.builder("egw.admission.rate_limited", m, GatewayMetrics::rateLimitedMessages)
                .description("Messages dropped for being over the client's rate").register(registry);
        FunctionCounter.builder("egw.admission.rate_limited.silent", m, GatewayMetrics::rateLimitedSilently)
                .description("Rate-limited messages dropped without an answer (answers are throttled)").register(registry);
        FunctionCounter.builder("egw.admission.quarantined.discarded", m, GatewayMetrics::quarantinedDiscarded)
                .description("Messages of quarantined clients discarded").register(registry);
        FunctionCounter.builder("egw.quarantines", m, GatewayMetrics::quarantines)
                .description("Clients quarantined").register(registry);
        FunctionCounter.builder("egw.quarantines.automatic", m, GatewayMetrics::quarantinesAutomatic)
                .description("Clients quarantined by flood defence").register(registry);
        FunctionCounter.builder("egw.releases", m, GatewayMetrics::releases)
                .description("Quarantines ended").register(registry);
        FunctionCounter.builder("egw.releases.expired", m, GatewayMetrics::releasesByExpiry)
                .description("Quarantines ended by expiry").register(registry);
        FunctionCounter.builder("egw.bans", m, GatewayMetrics::bans)
                .description("Addresses banned at the handshake").register(registry);
        FunctionCounter.builder("egw.bans.removed", m, GatewayMetrics::bansRemoved)
                .description("Bans removed by an admin").register(registry);
        Gauge.builder("egw.clients.connected", gateway, g -> g.admin().connections().size())
                .description("Authenticated connections").register(registry);
    }

    /**
     * The worker backend's meters, per worker name and per type (tag {@code worker} or {@code type}):
     * requests sent, served, failed, in flight, and the time workers took to answer.
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
