package org.edgegateway.web;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.ClientQuery;
import org.edgegateway.core.admin.ClientSort;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.keys.ClientBundleFiles;
import org.edgegateway.keys.ClientFilter;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientStatus;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;

/**
 * {@code /api/clients}: enrolled clients listed a page at a time, enrolled (with a key, or with a key
 * pair generated here whose bundle waits in {@link Bundles} for one download at
 * {@code /api/bundles/ID}), their state changed, their limits set, their recent messages, connection
 * history and message rates read. Thread-safe: the admin service, the key store and the bundles are.
 */
final class ClientsApi {

    private static final int MAX_REASON = 500;
    private static final int DEFAULT_RECENT = 20;
    private static final int MAX_RECENT = 200;
    private static final int DEFAULT_PAGE = 100;

    private final AdminService admin;
    private final KeyStore store;
    private final Bundles bundles;
    private final Clock clock;

    ClientsApi(AdminService admin, KeyStore store, Bundles bundles, Clock clock) {
        this.admin = admin;
        this.store = store;
        this.bundles = bundles;
        this.clock = clock;
    }

    void addTo(ApiRoutes routes) {
        routes.area("/api/clients")
                .on("GET", "/api/clients", this::list)
                .on("POST", "/api/clients", this::enrol)
                .on("POST", "/api/clients/generate", this::generate)
                .on("GET", "/api/clients/{name}", x -> admin.client(x.param("name"))
                        .orElseThrow(() -> ApiException.notFound("no client named '" + x.param("name") + "'")))
                .only("GET", "/api/clients/{name}/messages", this::recentMessages)
                .only("GET", "/api/clients/{name}/connections", x -> admin.connectionHistory(known(x)))
                .only("GET", "/api/clients/{name}/rates", x -> admin.clientRates(known(x)))
                .only("POST", "/api/clients/{name}/revoke", x -> admin.revoke(x.param("name"), x.actor()))
                .only("POST", "/api/clients/{name}/approve", x -> admin.approve(x.param("name"), x.actor()))
                .only("POST", "/api/clients/{name}/reject", x -> admin.reject(x.param("name"), x.actor()))
                .only("POST", "/api/clients/{name}/release", x -> admin.release(x.param("name"), x.actor()))
                .only("POST", "/api/clients/{name}/quarantine", this::quarantine)
                .only("PUT", "/api/clients/{name}/limits",
                        x -> admin.setLimits(x.param("name"), x.body(ClientLimits.class), x.actor()))
                .only("GET", "/api/bundles/{id}", this::download);
    }

    /**
     * A page: {@code ?offset=} (0), {@code ?limit=} 1..500 (100), {@code ?sort=} one of
     * {@link ClientSort}'s labels (name), {@code ?order=asc|desc} (asc); {@code ?q=} matches a name
     * (any case) or the start of a key, {@code ?status=} a status.
     */
    private Object list(Exchange x) {
        String status = x.query("status");
        String sort = x.query("sort");
        ClientFilter filter = new ClientFilter(x.query("q"),
                status == null || status.isBlank() ? null : ClientStatus.fromLabel(status));
        return admin.clientPage(new ClientQuery(filter, sort == null || sort.isBlank() ? null : ClientSort.parse(sort.strip()),
                descending(x.query("order")), x.queryInt("offset", 0, 0, Integer.MAX_VALUE),
                x.queryInt("limit", DEFAULT_PAGE, 1, ClientQuery.MAX_LIMIT)));
    }

    private static boolean descending(String order) {
        if (order == null || order.isBlank() || order.strip().equals("asc")) {
            return false;
        }
        if (order.strip().equals("desc")) {
            return true;
        }
        throw ApiException.badRequest("order '" + order + "' is not asc or desc");
    }

    private Object enrol(Exchange x) throws IOException {
        ApiHandler.EnrolRequest r = x.body(ApiHandler.EnrolRequest.class);
        String name = Exchange.requireName(r.name());
        return new Endpoint.Created(admin.enrol(name, KeyUpload.publicKey(r), x.actor()));
    }

    /** A key pair made here: the client is enrolled with its public key, its bundle kept for one download. */
    private Object generate(Exchange x) throws IOException {
        ApiHandler.GenerateRequest r = x.body(ApiHandler.GenerateRequest.class);
        String name = Exchange.requireName(r.name());
        if (admin.client(name).isPresent()) {
            throw new ApiException(409, "CONFLICT", "client '" + name + "' is already enrolled");
        }
        ClientBundleFiles.Format format;
        try {
            format = ClientBundleFiles.Format.parse(r.format());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        CurveKeyPair pair = CurveKeyPair.generate();
        ClientBundleFiles files = ClientBundleFiles.of(name, pair, admin.serverPublicKey(), admin.clientEndpoint());
        byte[] archive;
        try {
            archive = files.archive(format);
        } finally {
            files.wipe();
        }
        ClientView view = admin.enrol(name, pair.publicZ85(), x.actor());
        String id = bundles.put(x.caller().name(), format.fileName(name), format.contentType(), archive);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("client", view);
        out.put("bundle", "/api/bundles/" + id);
        out.put("fileName", format.fileName(name));
        out.put("expiresAt", clock.instant().plus(Bundles.LIFETIME));
        return new Endpoint.Created(out);
    }

    /** The bundle, once, to the admin or token that generated it. */
    private Object download(Exchange x) {
        Caller caller = x.caller();
        Bundles.Bundle b = bundles.take(x.param("id"), caller.name())
                .orElseThrow(() -> ApiException.notFound("no such bundle: it was downloaded already, has expired,"
                        + " or belongs to another admin"));
        store.audit().append(caller.name(), "client.bundle.download", b.fileName(), null, caller.actor().source());
        return new Endpoint.Download(b.contentType(), b.archive(),
                Map.of("Content-Disposition", "attachment; filename=\"" + b.fileName() + "\""));
    }

    private Object recentMessages(Exchange x) {
        int limit = x.queryInt("limit", DEFAULT_RECENT, 1, MAX_RECENT);
        return admin.recentMessages(known(x), limit);
    }

    /** The path's client name; 404 when no such client is enrolled. */
    private String known(Exchange x) {
        String name = x.param("name");
        if (admin.client(name).isEmpty()) {
            throw ApiException.notFound("no client named '" + name + "'");
        }
        return name;
    }

    private Object quarantine(Exchange x) throws IOException {
        ApiHandler.QuarantineRequest q = x.body(ApiHandler.QuarantineRequest.class);
        String reason = q.reason() == null || q.reason().isBlank() ? "by admin" : q.reason().strip();
        if (reason.length() > MAX_REASON) {
            throw ApiException.badRequest("reason is " + reason.length() + " characters (at most " + MAX_REASON + ")");
        }
        Duration duration = null;
        if (q.durationSeconds() != null) {
            if (q.durationSeconds() <= 0) {
                throw ApiException.badRequest("durationSeconds " + q.durationSeconds() + " must be positive");
            }
            duration = Duration.ofSeconds(q.durationSeconds());
        }
        return admin.quarantine(x.param("name"), reason, duration, x.actor());
    }
}
