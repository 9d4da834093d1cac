package org.edgegateway.core.workers;

import java.time.Instant;
import java.util.List;

/**
 * One connected worker as {@code workers list}, the UI and the API show it. Immutable.
 *
 * @param types         the types it serves (those it announced and the gateway gave it)
 * @param inFlight      requests sent to it and not answered yet
 * @param served        replies it sent in time
 * @param failed        requests it answered ERROR, answered too late or never answered
 * @param lastHeartbeat when the gateway last heard from it
 */
public record WorkerView(String name, String publicKey, String peerAddress, List<String> types, int inFlight,
                         long served, long failed, Instant connectedAt, Instant lastHeartbeat) {
}
