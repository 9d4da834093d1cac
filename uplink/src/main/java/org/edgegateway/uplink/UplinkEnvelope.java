package org.edgegateway.uplink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import org.edgegateway.protocol.TypeNames;

/**
 * The forwarding envelope: what an edge sends upstream as the payload of an {@value #TYPE} message,
 * one JSON object per forwarded message. Immutable.
 *
 * <pre>{@code
 * {"v":1, "id":"<32 hex digits>", "seq":42, "edge":"edge-1", "sensor":"sensor-7",
 *  "sensorKey":"<Z85>", "type":"JSON", "receivedAt":"2026-01-01T00:00:00.123Z",
 *  "payload":"{\"t\":21.5}"}
 * }</pre>
 * {@code payload} holds the original payload when it is valid UTF-8; otherwise {@code payloadBase64}
 * holds it in base64. {@code id} is the message id (also the correlation id on the wire), stable across
 * retries and restarts of the edge; {@code edge} is the edge's own name for itself, informational:
 * the upstream records the name it authenticated.
 *
 * @param id         the message id, hex
 * @param seq        the position in the edge's queue
 * @param edge       the edge's name as it sees itself
 * @param sensor     the enrolled name of the sensor at the edge
 * @param sensorKey  the sensor's public key, Z85
 * @param type       the original message type
 * @param receivedAt when the edge received it
 * @param payload    the original payload
 */
public record UplinkEnvelope(String id, long seq, String edge, String sensor, String sensorKey, String type,
                             Instant receivedAt, byte[] payload) {
    /** The message type of forwarded messages. */
    public static final String TYPE = "UPLINK";
    private static final ObjectMapper JSON = new ObjectMapper();

    public UplinkEnvelope {
        if (id == null || !id.matches("[0-9a-f]{2,128}")) {
            throw new IllegalArgumentException("uplink envelope: id must be 2-128 lower-case hex digits, got " + id);
        }
        if (sensor == null || sensor.isEmpty() || sensor.length() > 128) {
            throw new IllegalArgumentException("uplink envelope: sensor must be 1-128 characters, got " + sensor);
        }
        if (type == null || !TypeNames.isValid(type)) {
            throw new IllegalArgumentException("uplink envelope: type is not a message type: " + type);
        }
        if (receivedAt == null || payload == null) {
            throw new IllegalArgumentException("uplink envelope: receivedAt and payload are required");
        }
        edge = edge == null ? "" : edge;
        sensorKey = sensorKey == null ? "" : sensorKey;
    }

    /** The JSON bytes. */
    public byte[] encode() {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", 1);
        o.put("id", id);
        o.put("seq", seq);
        o.put("edge", edge);
        o.put("sensor", sensor);
        o.put("sensorKey", sensorKey);
        o.put("type", type);
        o.put("receivedAt", receivedAt.toString());
        putPayload(o, payload);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("uplink envelope: cannot encode message " + id, e);
        }
    }

    /** Writes {@code payload} as text when it is valid UTF-8, else as {@code payloadBase64}. */
    static void putPayload(ObjectNode o, byte[] payload) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
            o.put("payload", text);
        } catch (CharacterCodingException e) {
            o.put("payloadBase64", Base64.getEncoder().encodeToString(payload));
        }
    }

    /**
     * Reads an envelope.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static UplinkEnvelope decode(byte[] json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("uplink envelope is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("uplink envelope cannot be read: " + e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("uplink envelope is not a JSON object");
        }
        if (o.path("v").asInt() != 1) {
            throw new IllegalArgumentException("uplink envelope version " + o.path("v") + " is not supported (1 is)");
        }
        byte[] payload;
        if (o.hasNonNull("payload")) {
            payload = o.get("payload").asText().getBytes(StandardCharsets.UTF_8);
        } else if (o.hasNonNull("payloadBase64")) {
            try {
                payload = Base64.getDecoder().decode(o.get("payloadBase64").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("uplink envelope: payloadBase64 is not base64");
            }
        } else {
            throw new IllegalArgumentException("uplink envelope has neither payload nor payloadBase64");
        }
        Instant at;
        try {
            at = Instant.parse(o.path("receivedAt").asText());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("uplink envelope: receivedAt is not an ISO-8601 instant: "
                    + o.path("receivedAt").asText());
        }
        return new UplinkEnvelope(o.path("id").asText(null), o.path("seq").asLong(), o.path("edge").asText(""),
                o.path("sensor").asText(null), o.path("sensorKey").asText(""), o.path("type").asText(null), at,
                payload);
    }
}
