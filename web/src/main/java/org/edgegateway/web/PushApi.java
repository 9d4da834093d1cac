package org.edgegateway.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.edgegateway.core.admin.AdminService;

/**
 * Messages the gateway sends on an admin's word: a push to one connected client
 * ({@code POST /api/clients/NAME/push}), a publication on a topic ({@code POST /api/topics/publish}),
 * and the topics subscribed to ({@code GET /api/subscriptions}). Thread-safe: the admin service is.
 */
final class PushApi {

    private final AdminService admin;

    PushApi(AdminService admin) {
        this.admin = admin;
    }

    void addTo(ApiRoutes routes) {
        routes.only("POST", "/api/clients/{name}/push", this::push)
                .only("POST", "/api/topics/publish", this::publish)
                .only("GET", "/api/subscriptions", x -> admin.subscriptions());
    }

    private Object push(Exchange x) throws IOException {
        String name = x.param("name");
        ApiHandler.PushRequest r = x.body(ApiHandler.PushRequest.class);
        if (r.type() == null || r.type().isBlank()) {
            throw ApiException.badRequest("type is required");
        }
        admin.push(name, r.type().strip(), payload(r.payload(), r.payloadBase64()), x.actor());
        return Map.of("pushed", true, "client", name, "type", r.type().strip());
    }

    private Object publish(Exchange x) throws IOException {
        ApiHandler.PublishRequest r = x.body(ApiHandler.PublishRequest.class);
        if (r.topic() == null || r.topic().isBlank()) {
            throw ApiException.badRequest("topic is required");
        }
        admin.publish(r.topic(), payload(r.payload(), r.payloadBase64()), x.actor());
        return Map.of("published", true, "topic", r.topic());
    }

    private static byte[] payload(String text, String base64) {
        if ((text == null) == (base64 == null)) {
            throw ApiException.badRequest("give exactly one of payload (text) or payloadBase64");
        }
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("payloadBase64 is not base64");
        }
    }
}
