package org.edgegateway.core.plugins;

import java.util.concurrent.CompletableFuture;

/**
 * Sends a push to a connected client by its enrolled name; implementations are thread-safe and do
 * not block. The composition root binds it to the running gateway's router ({@code pubsub.RouterPush}).
 */
@FunctionalInterface
public interface ClientPush {
    /** Refuses every push: for tools and tests that run plugins without a gateway. */
    ClientPush NONE = (client, type, payload) -> CompletableFuture.completedFuture(false);

    /** Completes with whether the message was queued for the client; never exceptionally for "not connected". */
    CompletableFuture<Boolean> push(String clientName, String type, byte[] payload);
}
