package org.edgegateway.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the Prometheus scrape in its text format. Who may read it is
 * {@link ApiGate}'s to decide (a token of any scope, unless the metrics are open); a method other
 * than GET is refused before that. Thread-safe if {@code scrape} is.
 */
final class MetricsApi {

    static final String PATH = "/metrics";

    private final Supplier<String> scrape;

    MetricsApi(Supplier<String> scrape) {
        this.scrape = scrape;
    }

    void addTo(ApiRoutes routes) {
        routes.only("GET", PATH, x -> {
            String text = scrape.get();
            return new Endpoint.Download("text/plain; version=0.0.4; charset=utf-8",
                    (text == null ? "" : text).getBytes(StandardCharsets.UTF_8), Map.of());
        }, method -> "use GET " + PATH);
    }
}
