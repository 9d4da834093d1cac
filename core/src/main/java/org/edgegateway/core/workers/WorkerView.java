package org.edgegateway.core.workers;

import java.time.Instant;
import java.util.List;

/**
 * One connected worker as {@code workers list}, the UI and the API show it. Immutable.
 *
 * @param types         the types it serves (those it announced and the gateway gave it)
 * @param inFlight      requests sent to it and not answered yet
 * @param batched       whether it takes its requests in BATCH frames
 * @param window        how many requests it may hold now: {@code workers.max-in-flight} for a classic
 *                      worker, the adaptive window of a batched one
 * @param served        replies it sent in time
 * @param failed        requests it answered ERROR, answered too late or never answered
 * @param lastHeartbeat when the gateway last heard from it
 */
public record WorkerView(String name, String publicKey, String peerAddress, List<String> types, int inFlight,
                         boolean batched, int window, long served, long failed, Instant connectedAt, Instant lastHeartbeat) {
}
