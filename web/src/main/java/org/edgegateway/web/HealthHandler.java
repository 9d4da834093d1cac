package org.edgegateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.edgegateway.core.health.Health;

/**
 * {@code GET /health}, {@code /health/live} and {@code /health/ready} for monitors and load balancers,
 * without a token. Thread-safe; it reads {@link Health#view()} and nothing else.
 *
 * <p>It must not tell a stranger more than whether to send traffic: the body is {@code live},
 * {@code ready} and one word per part ({@code up}, {@code down}, {@code starting}, {@code off}); no
 * version, no counts, no keys, no error text. The status says the same for tools that read only
 * that: {@code /health} and {@code /health/ready} are 200 when ready and 503 otherwise,
 * {@code /health/live} is 200 while live and 503 once an owner thread died. Probes behind the view
 * run at most once a second, so polling it cannot load the key store. Any other method is 405, any
 * other path under {@code /health/} 404, both as JSON.
 */
final class HealthHandler extends Handler.Abstract {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Health health;

    HealthHandler(Health health) {
        this.health = health;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null || !(path.equals("/health") || path.startsWith("/health/"))) {
            return false;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            send(response, callback, 405, Map.of("error", "METHOD_NOT_ALLOWED", "message", "use GET"), false);
            return true;
        }
        boolean head = method.equals("HEAD");
        Health.View view = health.view();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("live", view.live());
        body.put("ready", view.ready());
        switch (path) {
            case "/health", "/health/ready" -> {
                body.put("checks", view.checks());
                send(response, callback, view.ready() ? 200 : 503, body, head);
            }
            case "/health/live" -> send(response, callback, view.live() ? 200 : 503, body, head);
            default -> send(response, callback, 404, Map.of("error", "NOT_FOUND",
                    "message", "use /health, /health/live or /health/ready"), head);
        }
        return true;
    }

    private static void send(Response response, Callback callback, int status, Object body, boolean head) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            status = 500;
            bytes = "{\"error\":\"INTERNAL\"}".getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, head ? null : ByteBuffer.wrap(bytes), callback);
    }
}
