package org.edgegateway.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.PublisherView;
import org.edgegateway.core.plugins.PluginInfo;
import org.edgegateway.core.plugins.PluginSignatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code plugins}: handler plugins, their signatures and the publishers the gateway trusts. */
@Command(name = "plugins", description = "Handler plugins: list, control, install, sign and trust.",
        subcommands = {PluginsCommand.ListPlugins.class, PluginsCommand.Control.class, PluginsCommand.Install.class,
                PluginsCommand.Sign.class, PluginsCommand.Keygen.class, PluginsCommand.Trust.class,
                PluginsCommand.Untrust.class, PluginsCommand.Trusted.class})
final class PluginsCommand {
    @ParentCommand
    Main main;

    /** {@code plugins list}: id, version, types, state (reason) of each plugin of the running gateway. */
    @Command(name = "list", description = "List the running gateway's plugins with their state.")
    static final class ListPlugins implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Override
        public Integer call() {
            try (CommandBackend session = CommandBackend.open(plugins.main.home())) {
                if (!session.live()) {
                    throw new AdminException(AdminException.Kind.UNAVAILABLE,
                            "the gateway is not running: plugins are verified and loaded at its start");
                }
                System.out.print(table(session.admin().plugins()));
            }
            return Main.OK;
        }
    }

    /** {@code plugins list}'s output: a header, then {@code ID VERSION TYPES STATE DETAIL} per plugin. */
    static String table(java.util.List<PluginInfo> plugins) {
        StringBuilder out = new StringBuilder(String.format("%-20s %-16s %-24s %-8s %s%n", "ID", "VERSION", "TYPES",
                "STATE", "DETAIL"));
        for (PluginInfo p : plugins) {
            String types = p.types().isEmpty() ? "-" : String.join(",", p.types().stream().sorted().toList());
            String detail = !p.reason().isEmpty() ? p.reason()
                    : (p.publisher().isEmpty() ? "UNVERIFIED" : "signed by " + p.publisher())
                    + (p.builtin() ? ", built-in" : "");
            out.append(String.format("%-20s %-16s %-24s %-8s %s%n", p.id(), p.version().isEmpty() ? "-" : p.version(),
                    types, p.state().name().toLowerCase(Locale.ROOT), detail));
        }
        return out.toString();
    }

    /** {@code plugins control start|stop|reload|unload ID}. */
    @Command(name = "control", description = "Start, stop, reload or unload a plugin of the running gateway.")
    static final class Control implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop, reload or unload")
        String action;

        @Parameters(index = "1", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            AdminService.PluginAction a;
            try {
                a = AdminService.PluginAction.valueOf(action.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown action '" + action + "': use start, stop, reload or unload");
            }
            try (CommandBackend session = CommandBackend.open(plugins.main.home())) {
                PluginInfo info = session.admin().controlPlugin(id, a, CommandBackend.actor());
                System.out.println(info.id() + " " + info.state().name().toLowerCase(Locale.ROOT)
                        + (info.reason().isEmpty() ? "" : ": " + info.reason()));
            }
            return Main.OK;
        }
    }

    /** {@code plugins install FILE [--signature FILE.sig]}. */
    @Command(name = "install", description = "Install a plugin into the running gateway (with its detached signature).")
    static final class Install implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--signature", paramLabel = "SIG", description = "Default: FILE.sig if it exists")
        Path signature;

        @Override
        public Integer call() throws java.io.IOException {
            Path sig = signature != null ? signature : Path.of(file + ".sig");
            byte[] sigBytes = Files.exists(sig) ? Files.readAllBytes(sig) : null;
            try (CommandBackend session = CommandBackend.open(plugins.main.home())) {
                PluginInfo info = session.admin().installPlugin(file.getFileName().toString(), Files.readAllBytes(file),
                        sigBytes, CommandBackend.actor());
                System.out.println(info.id() + " " + info.state().name().toLowerCase(Locale.ROOT)
                        + (info.reason().isEmpty() ? "" : ": " + info.reason()));
            }
            return Main.OK;
        }
    }

    /** {@code plugins sign FILE --key K}: for publishers; writes FILE.sig. */
    @Command(name = "sign", description = "Sign a plugin file with a publisher key (writes FILE.sig).")
    static final class Sign implements Callable<Integer> {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--key", required = true, paramLabel = "K", description = "The publisher's private key file")
        Path key;

        @Override
        public Integer call() {
            System.out.println("signed: " + PluginSignatures.sign(file, key));
            return Main.OK;
        }
    }

    /** {@code plugins keygen K}: for publishers; writes K (private) and K.pub. */
    @Command(name = "keygen", description = "Create a publisher key pair: K (private, 0600) and K.pub.")
    static final class Keygen implements Callable<Integer> {
        @Parameters(paramLabel = "K")
        Path key;

        @Option(names = "--comment", defaultValue = "plugin publisher")
        String comment;

        @Override
        public Integer call() {
            System.out.println("publisher key " + PluginSignatures.generate(key, comment).fingerprint() + " written to " + key + " and " + key + ".pub");
            return Main.OK;
        }
    }

    /** {@code plugins trust PUBLIC_KEY_FILE}: for admins; plugins signed by it are loaded. */
    @Command(name = "trust", description = "Trust a publisher's public key (plugins signed with it will load).")
    static final class Trust implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Parameters(paramLabel = "PUBLIC_KEY_FILE")
        Path publicKey;

        @Override
        public Integer call() throws java.io.IOException {
            String line = Files.readString(publicKey, java.nio.charset.StandardCharsets.US_ASCII).strip().lines()
                    .findFirst().orElse("");
            if (line.startsWith("edge-gateway-ed25519-private")) {
                // never sent anywhere, never echoed
                throw new IllegalArgumentException(publicKey + " is a private key: trust the publisher's .pub file instead");
            }
            PluginSignatures.readPublicKey(publicKey); // a clear message for anything else that is not a key
            try (CommandBackend session = CommandBackend.open(plugins.main.home())) {
                PublisherView key = session.admin().trustPublisher(line, CommandBackend.actor());
                System.out.println("trusted publisher " + key.fingerprint() + (key.comment().isEmpty() ? "" : " (" + key.comment() + ")")
                        + ": plugins signed with it load at their next load, reload or start");
            }
            return Main.OK;
        }
    }

    /** {@code plugins untrust FINGERPRINT [--force]}: the last step of a key rotation. */
    @Command(name = "untrust", description = "Stop trusting a publisher key (by fingerprint, as `plugins trusted` lists it).")
    static final class Untrust implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Parameters(paramLabel = "FINGERPRINT")
        String fingerprint;

        @Option(names = "--force", description = "Even while started plugins were verified with it (they are refused"
                + " at their next reload or start)")
        boolean force;

        @Override
        public Integer call() {
            try (CommandBackend session = CommandBackend.open(plugins.main.home())) {
                session.admin().untrustPublisher(fingerprint.strip().toLowerCase(Locale.ROOT), force, CommandBackend.actor());
                System.out.println("publisher key " + fingerprint + " is no longer trusted; plugins signed only with it"
                        + " are refused at their next load");
            }
            return Main.OK;
        }
    }

    /** {@code plugins trusted}: the admin's keys and the bundle's own, with what each is trusted for. */
    @Command(name = "trusted", description = "List the trusted publisher keys.")
    static final class Trusted implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Override
        public Integer call() {
            try (CommandBackend session = CommandBackend.open(plugins.main.home())) {
                String format = "%-32s  %-44s  %s%n";
                System.out.printf(format, "FINGERPRINT", "TRUSTED FOR", "COMMENT");
                for (PublisherView p : session.admin().publishers()) {
                    String scope = p.bundled()
                            ? (p.developmentKey() ? "built-ins (bundle's DEVELOPMENT key)" : "built-ins (bundle's key)")
                            : (p.copiedBuildKey() ? "all plugins (old build key: untrust it)" : "all plugins");
                    System.out.printf(format, p.fingerprint(), scope, p.comment());
                }
            }
            return Main.OK;
        }
    }
}
