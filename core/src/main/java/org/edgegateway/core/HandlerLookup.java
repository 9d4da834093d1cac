package org.edgegateway.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgegateway.core.router.Lane;
import org.edgegateway.core.router.LaneLimits;
import org.edgegateway.core.router.Route;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.protocol.TypeNames;

/**
 * Finds what serves a message type. Implementations are thread-safe. The router does not ask per
 * message: it keeps the routes of every type in a table of its own and builds it again whenever
 * {@link #version()} changes, so an implementation whose routes change (plugins starting and
 * stopping) must change its version with them.
 */
public interface HandlerLookup {

    /** The route of {@code type}, or null when nothing serves it. */
    Route route(String type);

    /** The types that currently have a route. */
    Set<String> types();

    /** Changes whenever {@link #route} or {@link #types} would answer differently; constant for a fixed set. */
    default long version() {
        return 0;
    }

    /**
     * A fixed set of handlers, each on a lane of its own with {@code limits} whose trips are only
     * logged. Fails when a type is claimed twice or is not a token, naming the type and both handlers.
     */
    static HandlerLookup of(LaneLimits limits, Collection<? extends MessageHandler> handlers) {
        Map<String, Route> byType = new LinkedHashMap<>();
        Map<String, MessageHandler> owners = new LinkedHashMap<>();
        for (MessageHandler h : handlers) {
            String name = h.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
            Lane lane = Lane.unsupervised(name, "the handler of " + String.join(", ", new java.util.TreeSet<>(h.types())),
                    limits);
            Route route = Route.of(lane, h);
            for (String type : h.types()) {
                TypeNames.requireValid(type);
                MessageHandler previous = owners.putIfAbsent(type, h);
                if (previous != null) {
                    throw new IllegalArgumentException("type " + type + " is claimed by both "
                            + previous.getClass().getName() + " and " + h.getClass().getName());
                }
                byType.put(type, route);
            }
        }
        Map<String, Route> fixed = Map.copyOf(byType);
        return new HandlerLookup() {
            @Override
            public Route route(String type) {
                return fixed.get(type);
            }

            @Override
            public Set<String> types() {
                return fixed.keySet();
            }
        };
    }

    /**
     * Both lookups, {@code first} winning a type both serve (plugins before workers). Its version moves
     * whenever either's does.
     */
    static HandlerLookup union(HandlerLookup first, HandlerLookup second) {
        return new HandlerLookup() {
            @Override
            public Route route(String type) {
                Route r = first.route(type);
                return r != null ? r : second.route(type);
            }

            @Override
            public Set<String> types() {
                Set<String> all = new java.util.TreeSet<>(first.types());
                all.addAll(second.types());
                return java.util.Collections.unmodifiableSet(all);
            }

            @Override
            public long version() {
                // Versions only grow, so the sum changes whenever either does.
                return first.version() + second.version();
            }
        };
    }

    /** {@link #of(LaneLimits, Collection)} with {@link LaneLimits#defaults()}. */
    static HandlerLookup of(Collection<? extends MessageHandler> handlers) {
        return of(LaneLimits.defaults(), handlers);
    }

    static HandlerLookup of(MessageHandler... handlers) {
        return of(List.of(handlers));
    }
}
