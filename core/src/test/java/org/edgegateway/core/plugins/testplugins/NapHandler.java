package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** NAP: sleeps 30 s, but gives up politely when interrupted. */
public final class NapHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("NAP");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        try {
            Thread.sleep(30_000);
            return HandlerResult.ack("rested");
        } catch (InterruptedException e) {
            return HandlerResult.failed("interrupted");
        }
    }
}
