package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * EDGE: busy-waits for the number of microseconds in its payload (ignoring interruption), then
 * ACKs: with a payload near the time limit, its return races the router's deadline.
 */
public final class EdgeHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("EDGE");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        long micros = Long.parseLong(message.payloadText());
        long until = System.nanoTime() + micros * 1000;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
        return HandlerResult.ack("edge " + Thread.currentThread().isInterrupted());
    }
}
