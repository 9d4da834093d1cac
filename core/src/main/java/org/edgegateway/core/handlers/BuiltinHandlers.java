package org.edgegateway.core.handlers;

import java.util.List;
import org.edgegateway.plugin.api.MessageHandler;

/** The handlers of the seed types STRING, JSON and BINARY, which validate and acknowledge. */
public final class BuiltinHandlers {
    private BuiltinHandlers() {
    }

    public static List<MessageHandler> all() {
        return List.of(new StringHandler(), new JsonHandler(), new BinaryHandler());
    }
}
