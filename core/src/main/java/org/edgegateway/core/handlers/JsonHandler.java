package org.edgegateway.core.handlers;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * JSON: one well-formed JSON value, checked by a streaming parser (nothing is built in memory);
 * malformed input is BAD_PAYLOAD with the position. Thread-safe (the factory is).
 */
public final class JsonHandler implements MessageHandler {
    private final JsonFactory factory = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    @Override
    public Set<String> types() {
        return Set.of("JSON");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) throws IOException {
        String problem = validate(message.payload());
        if (problem != null) {
            return HandlerResult.badPayload(problem);
        }
        return HandlerResult.ack("JSON received (" + message.payload().length + " bytes)");
    }

    /** Null when {@code payload} is exactly one JSON value, else what is wrong and where. */
    String validate(byte[] payload) throws IOException {
        try (JsonParser p = factory.createParser(payload)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return "JSON payload is empty";
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return "JSON payload has content after the first value at " + where(p.currentLocation());
            }
            return null;
        } catch (JsonParseException e) {
            return "malformed JSON at " + where(e.getLocation()) + ": " + e.getOriginalMessage();
        }
    }

    private static String where(JsonLocation at) {
        return at == null ? "unknown position" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
