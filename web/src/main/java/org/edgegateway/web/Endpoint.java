package org.edgegateway.web;

import java.io.IOException;
import java.util.Map;

/**
 * One API endpoint: the answer to one method on one path ({@link ApiRoutes}). It returns the
 * answer: an object is {@code 200} with that object as JSON, a {@link Created} is {@code 201}, a
 * {@link Download} is its bytes as they are. It refuses by throwing ({@link ApiException}, or an
 * exception of the gateway), and {@link ApiJson#fail} answers for it. Implementations are shared by
 * Jetty's threads and must be thread-safe.
 */
@FunctionalInterface
interface Endpoint {

    Object answer(Exchange x) throws IOException;

    /** A {@code 201} answer. */
    record Created(Object body) {
    }

    /** A {@code 200} answer that is not JSON: a bundle, the metrics. */
    record Download(String contentType, byte[] body, Map<String, String> headers) {
    }
}
