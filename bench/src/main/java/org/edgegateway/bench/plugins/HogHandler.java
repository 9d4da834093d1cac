package org.edgegateway.bench.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * HOG, for the isolation block of the side-by-side benchmark: allocates 1 MiB blocks and keeps
 * them, without end, ignoring interruption; only the gateway's allocation limit (or the heap) stops
 * a call. The blocks belong to the call that made them. Packed into a plugin zip by
 * {@link org.edgegateway.bench.BenchPlugins}, never loaded from the bench jar itself.
 */
public final class HogHandler implements MessageHandler {
    static final int BLOCK_BYTES = 1024 * 1024;

    @Override
    public Set<String> types() {
        return Set.of("HOG");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        List<byte[]> kept = new ArrayList<>();
        while (true) {
            byte[] block = new byte[BLOCK_BYTES];
            block[block.length - 1] = 1;
            kept.add(block);
            if (kept.size() % 64 == 0) {
                Thread.onSpinWait();
            }
        }
    }
}
