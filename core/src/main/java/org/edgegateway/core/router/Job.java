package org.edgegateway.core.router;

import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.protocol.Envelope;

/** One message handed from the router to a worker. Immutable. */
record Job(RoutingId routingId, Envelope envelope, MessageHandler handler, HandlerMessage message, DedupKey dedup) {
}
