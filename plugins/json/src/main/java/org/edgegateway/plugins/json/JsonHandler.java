package org.edgegateway.plugins.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;
import org.edgegateway.plugin.api.PluginMetrics;
import org.edgegateway.plugin.support.RotatingFiles;
import org.pf4j.Extension;

/**
 * JSON: exactly one JSON value per message; malformed input is BAD_PAYLOAD with the position. An
 * accepted message is appended as one JSON line {@code {"client":..,"receivedAt":..,"message":..}} to
 * {@code HOME/data/plugins/json/<client>/messages.jsonl}, rotated by size. Thread-safe (Jackson's mapper is,
 * and {@link RotatingFiles} serialises each client's file).
 *
 * <p>Settings ({@code HOME/conf/plugins/json.properties}): {@code required-fields} (comma-separated
 * top-level fields every message must have; empty by default), {@code file-size} (bytes per file
 * before rotation, default 16 MiB), {@code keep-files} (rotated files kept per client, default 9).
 */
@Extension
public final class JsonHandler implements MessageHandler {
    static final String FILE = "messages.jsonl";

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final List<String> requiredFields;
    private final RotatingFiles files;
    private final PluginMetrics metrics;

    public JsonHandler(PluginContext context) {
        String required = context.config().getOrDefault("required-fields", "");
        this.requiredFields = Arrays.stream(required.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        // Files stay open between messages; those of clients silent for a minute are closed.
        this.files = RotatingFiles.fromSettings(context::clientFolder, FILE, context.config(), 16L * 1024 * 1024,
                context.scheduler());
        this.metrics = context.metrics();
    }

    @Override
    public void stop() {
        files.close();
    }

    @Override
    public Set<String> types() {
        return Set.of("JSON");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) throws IOException {
        if (message.payload().length == 0) {
            return HandlerResult.badPayload("JSON payload is empty");
        }
        JsonNode value;
        try {
            value = mapper.readTree(message.payload());
        } catch (JsonProcessingException e) {
            metrics.increment("malformed");
            return HandlerResult.badPayload("malformed JSON at " + where(e.getLocation()) + ": " + e.getOriginalMessage());
        }
        if (value == null || value.isMissingNode()) {
            return HandlerResult.badPayload("JSON payload is empty");
        }
        for (String field : requiredFields) {
            if (!value.isObject() || !value.has(field)) {
                metrics.increment("missing_field");
                return HandlerResult.badPayload("JSON payload lacks the required field '" + field + "'");
            }
        }
        ObjectNode line = mapper.createObjectNode();
        line.put("client", message.clientName());
        line.put("receivedAt", message.receivedAt().toString());
        line.set("message", value);
        byte[] record = (mapper.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        files.append(message.clientName(), record);
        metrics.increment("stored");
        metrics.add("stored_bytes", record.length);
        return HandlerResult.ack("JSON received (" + message.payload().length + " bytes)");
    }

    private static String where(JsonLocation at) {
        return at == null ? "unknown position" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
