package org.edgegateway.core.plugins;

import java.nio.file.Path;
import java.util.List;

/**
 * What the {@code plugins} CLI commands do, as plain methods the CLI wiring calls and prints.
 * Stateless and thread-safe; failures are {@link IllegalArgumentException}s (bad input, exit code 2)
 * or {@link java.io.UncheckedIOException}s (file system, exit code 1) whose messages are safe to print.
 */
public final class PluginCommands {
    private PluginCommands() {
    }

    /** {@code plugins list}: one line per plugin, {@code ID VERSION TYPES STATE [REASON]}, with a header. */
    public static String list(List<PluginInfo> plugins) {
        StringBuilder out = new StringBuilder(String.format("%-20s %-16s %-24s %-8s %s%n", "ID", "VERSION", "TYPES",
                "STATE", "DETAIL"));
        for (PluginInfo p : plugins) {
            String types = p.types().isEmpty() ? "-" : String.join(",", p.types().stream().sorted().toList());
            String detail = !p.reason().isEmpty() ? p.reason()
                    : (p.publisher().isEmpty() ? "UNVERIFIED" : "signed by " + p.publisher())
                    + (p.builtin() ? ", built-in" : "");
            out.append(String.format("%-20s %-16s %-24s %-8s %s%n", p.id(), p.version().isEmpty() ? "-" : p.version(),
                    types, p.state().name().toLowerCase(java.util.Locale.ROOT), detail));
        }
        return out.toString();
    }

    /** {@code plugins keygen PRIVATE_KEY_FILE}: writes it and {@code PRIVATE_KEY_FILE.pub}; returns the fingerprint. */
    public static String keygen(Path privateKeyFile, String comment) {
        Path pub = privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
        return PluginSignatures.generate(privateKeyFile, pub, comment).fingerprint();
    }

    /** {@code plugins sign FILE --key K}: writes {@code FILE.sig}; returns its path. */
    public static Path sign(Path pluginFile, Path privateKeyFile) {
        return PluginSignatures.sign(pluginFile, privateKeyFile);
    }

    /** {@code plugins trust PUBLIC_KEY_FILE}: into {@code HOME/keys/publishers}; returns the fingerprint. */
    public static String trust(Path publicKeyFile, Path publishersFolder) {
        return new TrustedPublishers(publishersFolder).trust(publicKeyFile).fingerprint();
    }
}
