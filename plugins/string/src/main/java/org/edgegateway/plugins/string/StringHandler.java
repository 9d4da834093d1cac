package org.edgegateway.plugins.string;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;
import org.edgegateway.plugin.api.PluginMetrics;
import org.pf4j.Extension;

/**
 * STRING: UTF-8 text; anything else is BAD_PAYLOAD. Thread-safe (no mutable state). Non-blocking: it
 * only validates the bytes, in place and without allocating, so the gateway runs it inline.
 */
@Extension
public final class StringHandler implements MessageHandler {
    private final PluginMetrics metrics;

    public StringHandler(PluginContext context) {
        this.metrics = context.metrics();
    }

    @Override
    public Set<String> types() {
        return Set.of("STRING");
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        byte[] payload = message.payload();
        if (!Utf8.isValid(payload)) {
            metrics.increment("invalid_utf8");
            return HandlerResult.badPayload("STRING payload is not valid UTF-8");
        }
        metrics.increment("accepted");
        return HandlerResult.ack("STRING received (" + payload.length + " bytes)");
    }
}
