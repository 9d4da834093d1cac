package org.edgegateway.core.plugins.testplugins;

import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * QUICK: declares itself non-blocking and answers at once, except for the payload {@code stall},
 * on which it breaks its word and sleeps 600 ms (ignoring interruption).
 */
public final class QuickHandler implements MessageHandler {
    @Override
    public Set<String> types() {
        return Set.of("QUICK");
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        String text = message.payloadText();
        if (text.equals("stall")) {
            long until = System.nanoTime() + 600_000_000L;
            while (System.nanoTime() - until < 0) {
                try {
                    Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    // keeps its stall
                }
            }
            return HandlerResult.ack("stalled " + Thread.currentThread().getName());
        }
        return HandlerResult.ack("quick " + text);
    }
}
