package org.edgegateway.dist;

import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.BanView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bans}: addresses the running gateway refuses at the handshake after a flood or brute force. */
@Command(name = "bans", description = "Addresses banned at the handshake (handshake floods, repeated refused keys).",
        subcommands = {BansCommand.ListBans.class, BansCommand.Remove.class})
final class BansCommand {
    @ParentCommand
    Main main;

    CommandBackend liveSession() {
        CommandBackend session = CommandBackend.open(main.home());
        if (!session.live()) {
            session.close();
            throw new AdminException(AdminException.Kind.UNAVAILABLE,
                    "the gateway is not running: bans live in a running gateway only");
        }
        return session;
    }

    /** {@code bans list}. */
    @Command(name = "list", description = "List banned addresses.")
    static final class ListBans implements Callable<Integer> {
        @ParentCommand
        BansCommand bans;

        @Override
        public Integer call() {
            try (CommandBackend session = bans.liveSession()) {
                String format = "%-40s %-28s %-22s %s%n";
                System.out.printf(format, "ADDRESS", "REASON", "UNTIL", "REFUSALS");
                for (BanView b : session.admin().bans()) {
                    System.out.printf(format, b.address(), b.reason(),
                            Times.iso(b.until(), "-"),
                            b.refusals());
                }
            }
            return Main.OK;
        }
    }

    /** {@code bans remove ADDR}. */
    @Command(name = "remove", description = "Lift the ban of an address.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        BansCommand bans;

        @Parameters(paramLabel = "ADDR")
        String address;

        @Override
        public Integer call() {
            try (CommandBackend session = bans.liveSession()) {
                session.admin().removeBan(address, CommandBackend.actor());
                System.out.println("ban of " + address + " removed");
            }
            return Main.OK;
        }
    }
}
