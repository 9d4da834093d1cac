package org.edgegateway.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;

/**
 * The REST API under {@code /api} and the Prometheus scrape at {@code /metrics}: takes their
 * requests, marks every answer {@code Cache-Control: no-store}, hands the request to
 * {@link ApiGate} and the {@link ApiRoutes} behind it, and answers whatever they throw as a JSON
 * error ({@link ApiJson#fail}). Other paths are left to the next handler. Thread-safe: it keeps
 * no per-request state.
 *
 * <p>The gate and the routes see one path ({@link Request#getPathInContext}): the request's path
 * as sent, split at {@code /} and then decoded segment by segment, so an encoded {@code /} cannot
 * add a segment and an IPv6 ban sent as {@code %3A%3A1} reads {@code ::1}. Empty segments are
 * dropped ({@code /api/clients/} is {@code /api/clients}), and a dot segment is a name like any
 * other, never a step up: both decide on the same segments, whatever Jetty's canonical form of the
 * path would be.
 *
 * <p>It also declares the JSON request bodies of every resource. They stay here rather than with
 * their resources because Jackson names a body's type in the message of a body it cannot map (an
 * array where an object belongs), as {@code org.edgegateway.web.ApiHandler$LoginRequest}, and that
 * message is part of the API's answer.
 */
final class ApiHandler extends Handler.Wrapper {

    static final String PREFIX = "/api";

    ApiHandler(ApiGate gate) {
        super(gate);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String rawPath = request.getHttpURI().getPath();
        if (rawPath == null) {
            return false;
        }
        boolean metrics = rawPath.equals(MetricsApi.PATH);
        if (!metrics && !rawPath.equals(PREFIX) && !rawPath.startsWith(PREFIX + "/")) {
            return false;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try {
            Request routed = new Routed(request, metrics ? MetricsApi.PATH : routePath(rawPath));
            if (!super.handle(routed, response, callback)) {
                throw ApiException.notFound("no such API endpoint: " + rawPath);
            }
        } catch (Exception e) {
            ApiJson.fail(request, response, callback, e);
        }
        return true;
    }

    /** {@code /api} and the path's non-empty segments after it, each decoded and percent-encoded again. */
    private static String routePath(String rawPath) {
        StringBuilder path = new StringBuilder(PREFIX);
        for (String segment : rawPath.substring(PREFIX.length()).split("/")) {
            if (!segment.isEmpty()) {
                String decoded = URIUtil.decodePath(segment);
                path.append('/').append(URLEncoder.encode(decoded, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        return path.toString();
    }

    record LoginRequest(String username, String password) {
        @Override
        public String toString() {
            return "LoginRequest[username=" + username + ", password=<hidden>]";
        }
    }

    record PasswordRequest(String currentPassword, String newPassword) {
        @Override
        public String toString() {
            return "PasswordRequest[<hidden>]";
        }
    }

    /** A new admin user: its role ({@code viewer} when absent) and its password (one is made when absent). */
    record AdminRequest(String name, String role, String password) {
        @Override
        public String toString() {
            return "AdminRequest[name=" + name + ", role=" + role + ", password=<hidden>]";
        }
    }

    record RoleRequest(String role) {
    }

    /** A key to enrol, a client's or a worker's: in Z85 or as a certificate's text ({@link KeyUpload}). */
    record EnrolRequest(String name, String publicKey, String certificate) {
    }

    /** A key pair to make here, its bundle in {@code format} ({@code zip} when absent). */
    record GenerateRequest(String name, String format) {
    }

    record QuarantineRequest(String reason, Long durationSeconds) {
    }

    /** A push: the payload as text, or as base64 for bytes. */
    record PushRequest(String type, String payload, String payloadBase64) {
    }

    /** A publication on a topic: the payload as text, or as base64 for bytes. */
    record PublishRequest(String topic, String payload, String payloadBase64) {
    }

    record ClaimRequest(String prefix, Integer uses, Long expiresInSeconds, String approve) {
    }

    /** A new token: its scope ({@code admin} when absent) and when it expires (never when absent). */
    record TokenRequest(String name, String scope, Instant expiresAt) {
    }

    /** The request with the API's path as its path in context, which Jetty's path mappings match. */
    private static final class Routed extends Request.Wrapper {
        private final Context context;

        Routed(Request request, String path) {
            super(request);
            this.context = new Context.Wrapper(request.getContext()) {
                @Override
                public String getPathInContext(String canonicallyEncodedPath) {
                    return path;
                }
            };
        }

        @Override
        public Context getContext() {
            return context;
        }
    }
}
