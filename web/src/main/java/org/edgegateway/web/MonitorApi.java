package org.edgegateway.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.MetricHistoryView;
import org.edgegateway.core.admin.MetricHistoryView.Resolution;

/**
 * What the dashboard charts and what it says of the process, read-only: {@code /api/metrics/history}
 * (the gateway's counters over the last hour in 10-second points, or the last day in one-minute
 * points) and {@code /api/process} (release, uptime, heap, CPU). Thread-safe: the admin service is.
 */
final class MonitorApi {

    /** The resolutions by the name {@code ?resolution=} gives them, the first the default. */
    private static final Map<String, Resolution> RESOLUTIONS = names();

    private final AdminService admin;

    MonitorApi(AdminService admin) {
        this.admin = admin;
    }

    private static Map<String, Resolution> names() {
        Map<String, Resolution> m = new LinkedHashMap<>();
        m.put("10s", Resolution.TEN_SECONDS);
        m.put("1m", Resolution.ONE_MINUTE);
        return m;
    }

    void addTo(ApiRoutes routes) {
        routes.only("GET", "/api/metrics/history", this::history)
                .only("GET", "/api/process", x -> admin.processInfo());
    }

    /** {@code ?resolution=10s} (the default) or {@code 1m}; anything else is 400 naming both. */
    private Object history(Exchange x) {
        String name = x.query("resolution");
        name = name == null || name.isBlank() ? "10s" : name.strip();
        Resolution resolution = RESOLUTIONS.get(name);
        if (resolution == null) {
            throw ApiException.badRequest("resolution '" + name + "' is not one of " + String.join(", ", RESOLUTIONS.keySet()));
        }
        return answer(name, admin.metricHistory(resolution));
    }

    /** The view as the API shows it: its series by name, errors only for the codes sent in it. */
    private static Map<String, Object> answer(String name, MetricHistoryView v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resolution", name);
        out.put("stepSeconds", v.stepSeconds());
        out.put("start", v.end().minusSeconds(v.stepSeconds() * v.points()));
        out.put("end", v.end());
        out.put("points", v.points());
        out.put("messagesIn", v.messagesIn());
        out.put("messagesOut", v.messagesOut());
        out.put("bytesIn", v.bytesIn());
        out.put("bytesOut", v.bytesOut());
        Map<String, long[]> errors = new LinkedHashMap<>();
        v.errorsByCode().forEach((code, points) -> {
            for (long n : points) {
                if (n != 0) {
                    errors.put(code, points);
                    break;
                }
            }
        });
        out.put("errorsByCode", errors);
        out.put("handshakesRefused", v.handshakesRefused());
        out.put("connectedClients", v.connectedClients());
        out.put("cpuMillis", v.cpuMillis());
        out.put("heapUsedBytes", v.heapUsedBytes());
        return out;
    }
}
