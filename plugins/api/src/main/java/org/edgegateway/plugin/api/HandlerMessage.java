package org.edgegateway.plugin.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One message as a handler sees it. Immutable apart from the payload array, which the gateway does
 * not reuse: a handler may keep it.
 *
 * @param clientName  the enrolled name of the authenticated client
 * @param clientKey   the client's CURVE public key in Z85, the identity the gateway authenticated
 * @param type        the message type
 * @param payload     the payload bytes as received
 * @param receivedAt  when the gateway received the message
 * @param peerAddress the client's address as {@code ip:port}
 */
public record HandlerMessage(String clientName, String clientKey, String type, byte[] payload,
                             Instant receivedAt, String peerAddress) {

    /** The payload decoded as UTF-8, with malformed input replaced. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
