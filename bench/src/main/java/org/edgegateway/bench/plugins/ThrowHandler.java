package org.edgegateway.bench.plugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * THROW, for the isolation block of the side-by-side benchmark: every call throws. Stateless.
 * Packed into a plugin zip by {@link org.edgegateway.bench.BenchPlugins}, never loaded from the bench
 * jar itself.
 */
public final class ThrowHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("THROW");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        throw new IllegalStateException("THROW always fails (" + message.payload().length + " bytes from "
                + message.clientName() + ")");
    }
}
