package org.edgegateway.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.keys.KeyStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's JSON: a request body read, an answer written, and every failure mapped to its status
 * and {@code {"error":CODE,"message":...}}. Stateless and thread-safe.
 *
 * <p>Bodies are bounded ({@value #MAX_BODY} bytes), must be {@code application/json} and may name
 * only known fields. A failure's message is shown to the caller, so an unexpected one (500) or a key
 * store failure (503) says only where to look, and the cause goes to the gateway log.
 */
final class ApiJson {

    private static final Logger LOG = LoggerFactory.getLogger(ApiJson.class);
    static final int MAX_BODY = 64 * 1024;
    /** Request bodies up to this size are read and discarded before a refusal is sent. */
    private static final long DISCARD_LIMIT = 64L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ApiJson() {
    }

    /** The body of {@code request} as a {@code type}; 415, 413 or 400 naming what is wrong with it. */
    static <T> T read(Request request, Class<T> type) throws IOException {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
        }
        long length = request.getLength();
        if (length > MAX_BODY) {
            throw new ApiException(413, "TOO_LARGE", "body of " + length + " bytes is over " + MAX_BODY);
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new ApiException(413, "TOO_LARGE", "body is over " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("a JSON body is required");
        }
        try {
            T value = JSON.readValue(bytes, type);
            if (value == null) {
                throw ApiException.badRequest("a JSON object is required");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("unknown field '" + e.getPropertyName() + "'; known fields: "
                    + e.getKnownPropertyIds());
        } catch (MismatchedInputException e) {
            List<JsonMappingException.Reference> path = e.getPath();
            String field = path.isEmpty() ? null : path.get(path.size() - 1).getFieldName();
            throw ApiException.badRequest(field == null ? "a JSON object is required"
                    : "field '" + field + "' must be " + shape(e.getTargetType()));
        } catch (JsonParseException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw ApiException.badRequest(iae.getMessage());
            }
            throw ApiException.badRequest("the JSON body does not fit this endpoint");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** What a field of {@code type} takes, in words for a client (never a Java class name). */
    private static String shape(Class<?> type) {
        if (type == null) {
            return "of another kind";
        }
        if (type == String.class || type.isEnum()) {
            return "text";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "an object";
    }

    /** Writes what an {@link Endpoint} returned: see there. */
    static void answer(Response response, Callback callback, Object result) {
        if (result instanceof Endpoint.Download download) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, download.contentType());
            download.headers().forEach((k, v) -> response.getHeaders().put(k, v));
            response.write(true, ByteBuffer.wrap(download.body()), callback);
        } else if (result instanceof Endpoint.Created created) {
            send(response, callback, 201, created.body());
        } else {
            send(response, callback, 200, result);
        }
    }

    /**
     * Answers {@code failure} as a JSON error. A refused request's body may be unread, and an
     * HTTP/1.1 client still sending it would see the connection drop instead of the answer: for an
     * authenticated caller ({@link ApiGate#AUTHENTICATED}) a body of declared, bounded length is
     * read and thrown away first; any other body gets the answer with the connection closed after
     * it. An anonymous caller's body is never read: draining it would give anybody a server thread
     * for as long as they care to send. A 429 closes the connection too, so a throttled client does
     * not try again on it at once.
     */
    static void fail(Request request, Response response, Callback callback, Exception failure) {
        int status;
        Map<String, String> body;
        if (failure instanceof ApiException e) {
            status = e.status();
            body = error(e.code(), e.getMessage());
            if (e.retryAfterSeconds() > 0) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            }
        } else if (failure instanceof AdminException e) {
            status = switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case UNAVAILABLE -> 503;
            };
            body = error(e.kind().name(), e.getMessage());
        } else if (failure instanceof KeyStoreException e) {
            status = switch (e.reason()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case DUPLICATE_NAME, DUPLICATE_KEY, CONFLICT -> 409;
                case STORAGE -> 503;
            };
            String code = switch (e.reason()) {
                case INVALID -> "INVALID";
                case NOT_FOUND -> "NOT_FOUND";
                case DUPLICATE_NAME, DUPLICATE_KEY, CONFLICT -> "CONFLICT";
                case STORAGE -> "UNAVAILABLE";
            };
            if (status == 503) {
                LOG.error("admin web: key store failed on {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
            }
            body = error(code, status == 503 ? "the key store is unavailable; see the gateway log" : e.getMessage());
        } else if (failure instanceof IllegalArgumentException e) {
            status = 400;
            body = error("INVALID", e.getMessage());
        } else {
            LOG.error("admin web: {} {} failed", request.getMethod(), request.getHttpURI().getPath(), failure);
            status = 500;
            body = error("INTERNAL", "internal error; see the gateway log");
        }
        if (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            if (request.getAttribute(ApiGate.AUTHENTICATED) != null) {
                discardUnread(request, response);
            } else {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
        }
        if (status == 429) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        send(response, callback, status, body);
    }

    private static void discardUnread(Request request, Response response) {
        long length = request.getLength();
        if (length > 0 && length <= DISCARD_LIMIT) {
            try {
                Content.Source.consumeAll(request);
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debug("admin web: could not discard a refused request's body: {}", e.toString());
            }
        }
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    private static Map<String, String> error(String code, String message) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("error", code);
        e.put("message", message == null ? code : message);
        return e;
    }

    private static void send(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            LOG.error("admin web: cannot write a JSON answer", e);
            status = 500;
            bytes = "{\"error\":\"INTERNAL\",\"message\":\"internal error; see the gateway log\"}"
                    .getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
