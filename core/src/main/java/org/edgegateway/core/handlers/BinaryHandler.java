package org.edgegateway.core.handlers;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** BINARY: any bytes. Thread-safe (stateless). */
public final class BinaryHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("BINARY");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        return HandlerResult.ack("BINARY received (" + message.payload().length + " bytes)");
    }
}
