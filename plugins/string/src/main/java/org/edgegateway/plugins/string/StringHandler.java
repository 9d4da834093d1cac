package org.edgegateway.plugins.string;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;
import org.edgegateway.plugin.api.PluginMetrics;
import org.pf4j.Extension;

/** STRING: UTF-8 text; anything else is BAD_PAYLOAD. Thread-safe (no mutable state). */
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
    public HandlerResult handle(HandlerMessage message) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message.payload()));
        } catch (CharacterCodingException e) {
            metrics.increment("invalid_utf8");
            return HandlerResult.badPayload("STRING payload is not valid UTF-8");
        }
        metrics.increment("accepted");
        return HandlerResult.ack("STRING received (" + message.payload().length + " bytes)");
    }
}
