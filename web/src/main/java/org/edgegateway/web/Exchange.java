package org.edgegateway.web;

import java.io.IOException;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.keys.ClientNames;

/** One request as an {@link Endpoint} sees it: its path variables, caller, body and query. Not thread-safe. */
final class Exchange {

    private final Request request;
    private final Response response;
    private final Map<String, String> params;
    private Fields query;

    Exchange(Request request, Response response, Map<String, String> params) {
        this.request = request;
        this.response = response;
        this.params = params;
    }

    Request request() {
        return request;
    }

    Response response() {
        return response;
    }

    /** The path variable {@code name} of the route's template, decoded. */
    String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalStateException("admin web: the route has no path variable '" + name + "'");
        }
        return value;
    }

    /** The caller {@link ApiGate} admitted; a 401 when it admitted none (fail closed). */
    Caller caller() {
        if (request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller) {
            return caller;
        }
        throw new ApiException(401, "UNAUTHENTICATED", "log in first");
    }

    Actor actor() {
        return caller().actor();
    }

    /** The address the request came from, as audited. */
    String source() {
        return Request.getRemoteAddr(request);
    }

    /** The JSON body as a {@code type} ({@link ApiJson#read}). */
    <T> T body(Class<T> type) throws IOException {
        return ApiJson.read(request, type);
    }

    /** The query parameter {@code name}, or null. */
    String query(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request);
        }
        return query.getValue(name);
    }

    /** The query parameter {@code name} as a whole number, {@code fallback} when absent; else 400. */
    long query(String name, long fallback) {
        String value = query(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " '" + value + "' is not a whole number");
        }
    }

    /** The query parameter {@code name} as a whole number in {@code min..max}, {@code fallback} when absent; else 400. */
    int queryInt(String name, int fallback, int min, int max) {
        long value = query(name, fallback);
        if (value < min || value > max) {
            throw ApiException.badRequest(name + " " + value + (max == Integer.MAX_VALUE ? " is below " + min
                    : " is not in " + min + ".." + max));
        }
        return (int) value;
    }

    /** {@code name} stripped, when it is a valid client (or token, or worker) name; else 400. */
    static String requireName(String name) {
        if (name == null) {
            throw ApiException.badRequest("name is required");
        }
        return ClientNames.requireValid(name.strip());
    }
}
