package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** SLOW: takes 200 ms per call (under the slow-call mark of the old design), then ACKs. */
public final class SlowHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("SLOW");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) throws InterruptedException {
        Thread.sleep(200);
        return HandlerResult.ack("slow " + message.payloadText());
    }
}
