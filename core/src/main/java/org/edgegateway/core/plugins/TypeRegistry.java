package org.edgegateway.core.plugins;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.edgegateway.core.router.Lane;
import org.edgegateway.core.router.LaneLimits;
import org.edgegateway.core.router.Route;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * Which plugin serves which type: the routes the router reads, their version, and who may claim a
 * type ({@code plugins.type-owners}). Thread-safe: reads are lock-free; changes are made under the
 * {@link PluginHost}'s lock, and each publishes a new immutable map before the version moves, so a
 * reader that sees the new version sees the new routes.
 */
final class TypeRegistry {
    private final Map<String, String> typeOwners;
    private volatile Map<String, Route> byType = Map.of();
    private final AtomicLong version = new AtomicLong();

    /** What the host does to a started plugin that loses a type to its owner. */
    @FunctionalInterface
    interface Displace {
        void refuse(PluginSlot holder, String reason);
    }

    TypeRegistry(Map<String, String> typeOwners) {
        this.typeOwners = Map.copyOf(typeOwners);
    }

    Route route(String type) {
        return byType.get(type);
    }

    Set<String> types() {
        return byType.keySet();
    }

    long version() {
        return version.get();
    }

    boolean isEmpty() {
        return byType.isEmpty();
    }

    /**
     * Null when {@code s} may serve {@code types}, else why not. A type held by another started plugin
     * goes to {@code s} only when {@code plugins.type-owners} names {@code s} its owner; then the
     * holder is displaced through {@code displace}.
     */
    String claim(PluginSlot s, Set<String> types, Function<String, PluginSlot> slotOf, Displace displace) {
        for (String t : types) {
            Route current = byType.get(t);
            if (current == null || current.lane().name().equals(s.id)) {
                continue;
            }
            String otherId = current.lane().name();
            PluginSlot holder = slotOf.apply(otherId);
            String owner = typeOwners.get(t);
            if (s.id.equals(owner) && holder != null) {
                displace.refuse(holder, "type " + t + " belongs to plugin " + s.id + " (plugins.type-owners)");
                continue;
            }
            return "type " + t + " is claimed by both plugin " + otherId
                    + (holder == null ? "" : " (" + holder.file.getFileName() + ")") + " and plugin " + s.id + " ("
                    + s.file.getFileName() + "); set plugins.type-owners to choose";
        }
        return null;
    }

    /** Routes each of {@code handlers}' types to its handler on {@code lane}. */
    void add(Lane lane, Map<String, MessageHandler> handlers, Map<MessageHandler, Boolean> nonBlocking) {
        Map<String, Route> next = new HashMap<>(byType);
        for (Map.Entry<String, MessageHandler> e : handlers.entrySet()) {
            next.put(e.getKey(), new Route(lane, e.getValue(), nonBlocking.get(e.getValue())));
        }
        publish(next);
    }

    /** Removes every route on {@code lane}. */
    void remove(Lane lane) {
        Map<String, Route> next = new HashMap<>(byType);
        next.values().removeIf(r -> r.lane() == lane);
        publish(next);
    }

    /**
     * Routes {@code types} to a closed lane that answers BUSY while plugin {@code id} reloads, and
     * returns that route for {@link #release}.
     */
    Route holdForReload(String id, Set<String> types, LaneLimits limits) {
        Lane reloading = new Lane(id, "plugin " + id, limits, (lane, why) -> { });
        reloading.close("reloading");
        Route placeholder = new Route(reloading, new Reloading(id, types), false);
        Map<String, Route> next = new HashMap<>(byType);
        for (String t : types) {
            next.put(t, placeholder);
        }
        publish(next);
        return placeholder;
    }

    /** Removes what {@link #holdForReload} routed, keeping the routes made since. */
    void release(Route placeholder) {
        Map<String, Route> after = new HashMap<>(byType);
        after.values().removeIf(r -> r == placeholder);
        publish(after);
    }

    /** No type served any more. */
    void clear() {
        publish(Map.of());
    }

    /** Publishes new routes; the version moves after them, so a reader that sees it sees them. */
    private void publish(Map<String, Route> next) {
        byType = Map.copyOf(next);
        version.incrementAndGet();
    }

    /** Answers BUSY for the types of a plugin that is reloading. */
    private record Reloading(String pluginId, Set<String> types) implements MessageHandler {
        @Override
        public HandlerResult handle(HandlerMessage message) {
            return HandlerResult.busy("plugin " + pluginId + " is reloading, retry later");
        }
    }
}
