package org.edgegateway.protocol;

/** What a client can receive from the gateway: a reply to one of its requests, or a push. */
public sealed interface FromGateway permits Reply, Push {
}
