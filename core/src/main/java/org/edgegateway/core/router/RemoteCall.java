package org.edgegateway.core.router;

import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;

/**
 * A call that a {@link Lane.Dispatcher} runs outside the gateway (on an external worker). Thread-safe:
 * it is the same compare-and-set as for a lane thread that decides whether the dispatcher's answer or
 * the router's deadline reaches the client, so a client never gets two answers to one request.
 */
public interface RemoteCall {

    /** The message to hand over. */
    HandlerMessage message();

    /**
     * Marks the call as running when it is sent (the first time; a call sent again after its first
     * worker died stays running). False when the router already answered it (its deadline passed):
     * then do not send it.
     */
    boolean begin();

    /** Whether the router may still be waiting for this call's answer. */
    boolean pending();

    /** The answer: handed to the router unless the call was already answered. Once per call. */
    void complete(HandlerResult result);

    /** {@link System#nanoTime()} at which the router answers the call itself if nothing came. */
    long deadline();
}
