package org.edgegateway.uplink;

import java.time.Instant;

/**
 * One message waiting in the uplink queue. Immutable apart from the payload array, which is not
 * shared.
 *
 * @param seq        its position in the queue, increasing, never reused by this queue
 * @param sensor     the enrolled name of the client that sent it to the edge
 * @param sensorKey  that client's public key, Z85
 * @param type       its message type
 * @param receivedAt when the edge received it
 * @param payload    its payload as received
 */
public record QueuedMessage(long seq, String sensor, String sensorKey, String type, Instant receivedAt,
                            byte[] payload) {
}
