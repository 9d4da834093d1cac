package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;

/** ECHO: answers with its plugin's version and the payload. Thread-safe. */
public final class EchoHandler implements MessageHandler {
    private final String version;

    public EchoHandler(PluginContext context) {
        this.version = context.pluginVersion();
    }

    @Override
    public Set<String> types() {
        return Set.of("ECHO");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        return HandlerResult.ack("v" + version + " " + message.payloadText());
    }
}
