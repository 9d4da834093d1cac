package org.edgegateway.core.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The local control channel's wire format: one JSON object per line each way.
 * A request is {@code {"op": "...", "actor": "...", ...arguments}}; a response is
 * {@code {"ok": true, "result": ...}} or {@code {"ok": false, "kind": "NOT_FOUND", "message": "..."}}.
 */
final class ControlProtocol {
    /** Longest request line accepted, in characters (a plugin upload travels base64-encoded in one line). */
    static final int MAX_LINE = 64 * 1024 * 1024;

    private ControlProtocol() {
    }

    static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
