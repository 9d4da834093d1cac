package org.edgegateway.bench.plugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * HANG, for the isolation block of the side-by-side benchmark: never returns and ignores
 * interruption, holding the calling worker thread for good. Stateless. Packed into a plugin zip by
 * {@link org.edgegateway.bench.BenchPlugins}, never loaded from the bench jar itself.
 */
public final class HangHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("HANG");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // hostile on purpose: carries on
            }
        }
    }
}
