package org.edgegateway.web;

import java.util.Map;
import org.edgegateway.core.admin.AdminService;

/**
 * {@code /api/bans}: the addresses refused at the handshake, listed and lifted. An address is one
 * path segment, percent-encoded where it must be ({@code ::1} as {@code %3A%3A1}). Thread-safe: the
 * admin service is.
 */
final class BansApi {

    private final AdminService admin;

    BansApi(AdminService admin) {
        this.admin = admin;
    }

    void addTo(ApiRoutes routes) {
        routes.area("/api/bans")
                .on("GET", "/api/bans", x -> admin.bans())
                .only("DELETE", "/api/bans/{address}", x -> {
                    String address = x.param("address");
                    admin.removeBan(address, x.actor());
                    return Map.of("unbanned", address.strip());
                });
    }
}
