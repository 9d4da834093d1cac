package org.edgegateway.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.protocol.TypeNames;

/**
 * Finds the handler that owns a message type. Implementations are thread-safe: the router asks on
 * every message, from its own thread, and must get an answer without blocking.
 */
public interface HandlerLookup {

    /** The handler that owns {@code type}, or null when no started handler does. */
    MessageHandler handlerFor(String type);

    /** The types that currently have a handler. */
    Set<String> types();

    /**
     * A fixed set of handlers. Fails when a type is claimed twice or is not a token, naming the type
     * and both handlers.
     */
    static HandlerLookup of(Collection<? extends MessageHandler> handlers) {
        Map<String, MessageHandler> byType = new LinkedHashMap<>();
        for (MessageHandler h : handlers) {
            for (String type : h.types()) {
                TypeNames.requireValid(type);
                MessageHandler previous = byType.putIfAbsent(type, h);
                if (previous != null) {
                    throw new IllegalArgumentException("type " + type + " is claimed by both "
                            + previous.getClass().getName() + " and " + h.getClass().getName());
                }
            }
        }
        Map<String, MessageHandler> fixed = Map.copyOf(byType);
        return new HandlerLookup() {
            @Override
            public MessageHandler handlerFor(String type) {
                return fixed.get(type);
            }

            @Override
            public Set<String> types() {
                return fixed.keySet();
            }
        };
    }

    static HandlerLookup of(MessageHandler... handlers) {
        return of(List.of(handlers));
    }
}
