package org.edgegateway.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.edgegateway.core.admin.AdminService;

/**
 * What the gateway is and does, read-only: {@code /api/info} (its key, endpoint, certificate and the
 * caller), {@code /api/stats} and {@code /api/connections}.
 * Thread-safe: the admin service is.
 */
final class StatusApi {

    private final AdminService admin;
    private final Supplier<String> fingerprint;

    /** {@code fingerprint}: the admin web certificate's SHA-256, null without TLS. */
    StatusApi(AdminService admin, Supplier<String> fingerprint) {
        this.admin = admin;
        this.fingerprint = fingerprint;
    }

    void addTo(ApiRoutes routes) {
        routes.only("GET", "/api/info", this::info)
                .only("GET", "/api/connections", x -> admin.connections())
                .only("GET", "/api/stats", x -> admin.stats());
    }

    private Object info(Exchange x) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("serverPublicKey", admin.serverPublicKey());
        info.put("clientEndpoint", admin.clientEndpoint());
        info.put("certificateFingerprint", fingerprint.get());
        info.put("user", x.caller().name());
        return info;
    }
}
