package org.edgegateway.core.pubsub;

import java.time.Instant;
import java.util.List;

/**
 * One topic prefix that has subscribers on the XPUB endpoint. Immutable.
 *
 * @param prefix      the prefix subscribers filter on ({@code ""}: everything)
 * @param subscribes  subscribe requests seen for it since it got its first subscriber
 * @param clients     the enrolled names of the subscribers that could be identified, sorted
 * @param since       when it got its first subscriber
 */
public record SubscriptionView(String prefix, int subscribes, List<String> clients, Instant since) {
    public SubscriptionView {
        clients = List.copyOf(clients);
    }
}
