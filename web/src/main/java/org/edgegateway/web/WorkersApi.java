package org.edgegateway.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgegateway.core.admin.AdminService;

/**
 * {@code /api/workers}: the keys of external workers with their live connections, enrolled and
 * revoked (a revoked worker's connections are cut before the answer). Thread-safe: the admin
 * service is.
 */
final class WorkersApi {

    private final AdminService admin;

    WorkersApi(AdminService admin) {
        this.admin = admin;
    }

    void addTo(ApiRoutes routes) {
        routes.area("/api/workers")
                .on("GET", "/api/workers", x -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("endpoint", admin.workerEndpoint());
                    out.put("workers", admin.workers());
                    return out;
                })
                .on("POST", "/api/workers", this::enrol)
                .only("POST", "/api/workers/{name}/revoke",
                        x -> admin.revokeWorker(Exchange.requireName(x.param("name")), x.actor()));
    }

    private Object enrol(Exchange x) throws IOException {
        ApiHandler.EnrolRequest r = x.body(ApiHandler.EnrolRequest.class);
        String name = Exchange.requireName(r.name());
        return new Endpoint.Created(admin.enrolWorker(name, KeyUpload.publicKey(r), x.actor()));
    }
}
