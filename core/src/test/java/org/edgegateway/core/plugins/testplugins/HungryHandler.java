package org.edgegateway.core.plugins.testplugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/** HUNGRY: allocates 1 MiB blocks and keeps them, without end, ignoring interruption. */
public final class HungryHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("HUNGRY");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        List<byte[]> kept = new ArrayList<>();
        while (true) {
            kept.add(new byte[1024 * 1024]);
            if (kept.size() % 64 == 0) {
                Thread.onSpinWait();
            }
        }
    }
}
