package org.edgegateway.dist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.plugins.PluginCommands;
import org.edgegateway.core.plugins.PluginInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code plugins}: handler plugins, their signatures and the publishers the gateway trusts. */
@Command(name = "plugins", description = "Handler plugins: list, control, install, sign and trust.",
        subcommands = {PluginsCommand.ListPlugins.class, PluginsCommand.Control.class, PluginsCommand.Install.class,
                PluginsCommand.Sign.class, PluginsCommand.Keygen.class, PluginsCommand.Trust.class})
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
            try (AdminSession session = AdminSession.open(plugins.main.home())) {
                if (!session.live()) {
                    throw new AdminException(AdminException.Kind.UNAVAILABLE,
                            "the gateway is not running: plugins are verified and loaded at its start");
                }
                System.out.print(PluginCommands.list(session.admin().plugins()));
            }
            return Main.OK;
        }
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
            try (AdminSession session = AdminSession.open(plugins.main.home())) {
                PluginInfo info = session.admin().controlPlugin(id, a, AdminSession.actor());
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
            try (AdminSession session = AdminSession.open(plugins.main.home())) {
                PluginInfo info = session.admin().installPlugin(file.getFileName().toString(), Files.readAllBytes(file),
                        sigBytes, AdminSession.actor());
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
            System.out.println("signed: " + PluginCommands.sign(file, key));
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
            System.out.println("publisher key " + PluginCommands.keygen(key, comment) + " written to " + key + " and " + key + ".pub");
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
        public Integer call() {
            var home = plugins.main.home();
            home.create(GatewayApp.knownSettings());
            String fingerprint = PluginCommands.trust(publicKey, home.keys().resolve("publishers"));
            System.out.println("trusted publisher " + fingerprint + " (plugins signed with it load at the next start or rescan)");
            return Main.OK;
        }
    }
}
