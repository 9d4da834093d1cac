package org.edgegateway.core.pubsub;

/**
 * Counters of the topic publisher. Immutable snapshot.
 *
 * @param published      messages handed to the XPUB socket
 * @param hwmDrops       messages that at least one subscriber missed because its queue was at {@code pubsub.send-hwm}
 * @param refused        {@link PubSub#publish} calls refused because the publisher's queue was full
 * @param welcomes       last values sent on a subscription
 * @param subscribers    subscriber connections open now
 * @param cachedTopics   topics in the last-value cache
 */
public record PubSubStats(long published, long hwmDrops, long refused, long welcomes, int subscribers,
                          int cachedTopics) {
}
