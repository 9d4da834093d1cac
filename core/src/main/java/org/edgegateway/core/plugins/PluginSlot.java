package org.edgegateway.core.plugins;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.edgegateway.core.router.Lane;
import org.edgegateway.plugin.api.MessageHandler;

/**
 * One plugin file and what became of it: verified and staged ({@link PluginStaging}), loaded and
 * started ({@link PluginLifecycle}), serving on its lane ({@link TypeRegistry}). Not thread-safe:
 * guarded by the {@link PluginHost}'s lock.
 */
final class PluginSlot {
    final Path file;
    final boolean builtin;
    String id;
    String version = "";
    String provider = "";
    String publisher = "";
    String loadedId;
    Path staged;
    PluginState state = PluginState.REFUSED;
    String reason = "";
    Lane lane;
    Set<String> types = Set.of();
    List<MessageHandler> handlers = List.of();
    HostContext context;

    PluginSlot(Path file, boolean builtin) {
        this.file = file;
        this.builtin = builtin;
        this.id = file.getFileName().toString();
    }

    PluginSlot refuse(String why) {
        state = PluginState.REFUSED;
        reason = why;
        return this;
    }

    PluginSlot fail(String why) {
        state = PluginState.FAILED;
        reason = why;
        return this;
    }

    PluginInfo info() {
        return new PluginInfo(id, version, provider, file, builtin, new LinkedHashSet<>(types), state, reason,
                publisher);
    }
}
