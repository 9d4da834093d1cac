package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** FAST: non-blocking; acknowledges with the payload and whether the calling thread is interrupted. */
public final class FastHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("FAST");
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        return HandlerResult.ack("fast " + message.payloadText()
                + (Thread.currentThread().isInterrupted() ? " (interrupted!)" : ""));
    }
}
