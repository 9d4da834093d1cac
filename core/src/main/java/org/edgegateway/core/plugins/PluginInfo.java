package org.edgegateway.core.plugins;

import java.nio.file.Path;
import java.util.Set;

/**
 * One plugin as an admin sees it. Immutable.
 *
 * @param id        the plugin id, or the file name when the file could not even be read
 * @param version   its {@code plugin.version}, or empty when unknown
 * @param provider  its {@code plugin.provider}, or empty
 * @param file      the plugin file it was loaded from
 * @param builtin   whether it comes from the bundle's own plugins folder
 * @param types     the message types it serves (empty unless started)
 * @param state     where it stands
 * @param reason    why it is failed or refused, empty otherwise
 * @param publisher the fingerprint of the publisher key its signature verified with; empty when
 *                  unsigned plugins are allowed and it has no valid signature
 */
public record PluginInfo(String id, String version, String provider, Path file, boolean builtin,
                         Set<String> types, PluginState state, String reason, String publisher) {
    public PluginInfo {
        types = Set.copyOf(types);
        reason = reason == null ? "" : reason;
        publisher = publisher == null ? "" : publisher;
        version = version == null ? "" : version;
        provider = provider == null ? "" : provider;
    }
}
