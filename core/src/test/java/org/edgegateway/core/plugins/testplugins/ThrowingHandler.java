package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** THROW: always throws, with internals in the message that must not reach the client. */
public final class ThrowingHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("THROW");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        throw new IllegalStateException("secret internals at /opt/plugin/db.sqlite");
    }
}
