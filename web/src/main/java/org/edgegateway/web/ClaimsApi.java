package org.edgegateway.web;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.ClaimFile;
import org.edgegateway.core.admin.NewClaim;

/**
 * {@code /api/claims}: enrolment claims listed, made (the answer carries the secret and the claim
 * file's text, the only time either exists outside the sensors) and revoked;
 * {@code /api/claims/pending}: the clients enrolled on claims that wait for approval. Thread-safe:
 * the admin service is.
 */
final class ClaimsApi {

    private final AdminService admin;

    ClaimsApi(AdminService admin) {
        this.admin = admin;
    }

    void addTo(ApiRoutes routes) {
        routes.area("/api/claims")
                .on("GET", "/api/claims", x -> admin.claims())
                .on("GET", "/api/claims/pending", x -> admin.pendingClients())
                .on("POST", "/api/claims", this::create)
                .on("DELETE", "/api/claims/{id}", this::revoke);
    }

    private Object create(Exchange x) throws IOException {
        ApiHandler.ClaimRequest r = x.body(ApiHandler.ClaimRequest.class);
        if (r.prefix() == null || r.uses() == null || r.expiresInSeconds() == null) {
            throw ApiException.badRequest("prefix, uses and expiresInSeconds are required");
        }
        String approve = r.approve() == null ? "auto" : r.approve().strip();
        if (!approve.equals("auto") && !approve.equals("manual")) {
            throw ApiException.badRequest("approve must be auto or manual, got '" + approve + "'");
        }
        if (r.expiresInSeconds() <= 0) {
            throw ApiException.badRequest("expiresInSeconds " + r.expiresInSeconds() + " must be positive");
        }
        NewClaim made = admin.createClaim(r.prefix().strip(), r.uses(), Duration.ofSeconds(r.expiresInSeconds()),
                approve.equals("manual"), x.actor());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("claim", made.claim());
        out.put("secret", made.secret());
        out.put("enrolEndpoint", made.enrolEndpoint());
        out.put("claimFile", ClaimFile.format(made));
        return new Endpoint.Created(out);
    }

    private Object revoke(Exchange x) {
        String id = x.param("id");
        long number;
        try {
            number = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("no claim with id '" + id + "'");
        }
        return admin.revokeClaim(number, x.actor());
    }
}
