package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** ECHO as well: a second plugin claiming a type another one owns. */
public final class SecondEchoHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("ECHO");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        return HandlerResult.ack("second " + message.payloadText());
    }
}
