package org.edgegateway.dist;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code keys}: the gateway's own CURVE key. */
@Command(name = "keys", description = "The gateway's CURVE key pair.", subcommands = KeysCommand.Show.class)
final class KeysCommand {
    @ParentCommand
    Main main;

    /** {@code keys show}: the server public key in Z85 (generated on first use). */
    @Command(name = "show", description = "Print the gateway's CURVE public key (Z85).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        KeysCommand keys;

        @Override
        public Integer call() {
            var home = keys.main.home();
            home.create(GatewayApp.knownSettings());
            System.out.println(GatewayApp.serverKeys(home).publicZ85());
            return Main.OK;
        }
    }
}
