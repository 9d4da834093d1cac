package org.edgegateway.core.handlers;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** STRING: UTF-8 text; anything else is BAD_PAYLOAD. Thread-safe (stateless). */
public final class StringHandler implements MessageHandler {
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
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message.payload()));
        } catch (CharacterCodingException e) {
            return HandlerResult.badPayload("STRING payload is not valid UTF-8");
        }
        return HandlerResult.ack("STRING received (" + message.payload().length + " bytes)");
    }
}
