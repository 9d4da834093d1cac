package org.edgegateway.dist;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.config.Settings;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.Z85;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code clients}: enrol, list, revoke, quarantine, release and limit sensors. */
@Command(name = "clients", description = "Enrolled clients (sensors).",
        subcommands = {ClientsCommand.Add.class, ClientsCommand.ListClients.class, ClientsCommand.Revoke.class,
                ClientsCommand.Quarantine.class, ClientsCommand.Release.class, ClientsCommand.Limit.class,
                ClientsCommand.Send.class, ClientsCommand.Pending.class, ClientsCommand.Approve.class,
                ClientsCommand.Reject.class})
final class ClientsCommand {
    @ParentCommand
    Main main;

    CommandBackend session() {
        return CommandBackend.open(main.home());
    }

    /** {@code clients add NAME (--public-key Z85 | --generate --out DIR)}. */
    @Command(name = "add", description = "Enrol a client's CURVE public key, or generate a key pair and a bundle for it.")
    static final class Add extends EnrolKeyCommand {
        Add() {
            super("client");
        }

        @Override
        String enrol(AdminService admin, String publicKey) {
            return admin.enrol(name, publicKey, CommandBackend.actor()).publicKey();
        }

        @Override
        void checkNew(AdminService admin) {
            if (admin.client(name).isPresent()) {
                throw new AdminException(AdminException.Kind.CONFLICT, "client '" + name + "' is already enrolled");
            }
        }

        @Override
        String endpoint(AdminService admin) {
            return admin.clientEndpoint();
        }
    }

    /** {@code clients list}. */
    @Command(name = "list", description = "List enrolled clients with their status and connection.")
    static final class ListClients implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Override
        public Integer call() {
            try (CommandBackend session = clients.session()) {
                print(System.out, session.admin().clients(), session.live());
            }
            return Main.OK;
        }

        /**
         * MESSAGES counts every connection of the client since the gateway started; THIS CONN only the
         * live one. LAST SEEN never moves back (see {@link ClientView#lastSeen()}).
         */
        static void print(PrintStream out, List<ClientView> views, boolean live) {
            String format = "%-24s %-12s %-14s %-22s %10s %10s  %s%n";
            out.printf(format, "NAME", "STATUS", "CONNECTED", "PEER", "MESSAGES", "THIS CONN", "LAST SEEN");
            for (ClientView v : views) {
                String connected = live ? (v.connected() ? "connected" : "disconnected") : "gateway down";
                out.printf(format, v.name(), v.status().label(), connected,
                        v.peerAddress() == null ? "-" : v.peerAddress(),
                        live ? Long.toString(v.messages()) : "-",
                        live && v.connected() ? Long.toString(v.connectionMessages()) : "-",
                        Times.iso(v.lastSeen(), "never"));
            }
        }
    }

    /** {@code clients revoke NAME}. */
    @Command(name = "revoke", description = "Revoke a client: refused from now on, cut off if connected.")
    static final class Revoke extends OnClient {
        @Override
        String apply(AdminService admin) {
            ClientView v = admin.revoke(name, CommandBackend.actor());
            return "revoked " + v.name();
        }
    }

    /** {@code clients quarantine NAME [--for DURATION] [--reason TEXT]}. */
    @Command(name = "quarantine", description = "Quarantine a client: its key is refused until released or expired.")
    static final class Quarantine extends OnClient {
        @Option(names = "--for", paramLabel = "DURATION", description = "e.g. 15m, 2h; default: until released")
        String duration;

        @Option(names = "--reason", defaultValue = "manual", description = "Recorded in the audit log")
        String reason;

        @Override
        String apply(AdminService admin) {
            Duration d = duration == null ? null : Settings.duration(duration);
            ClientView v = admin.quarantine(name, reason, d, CommandBackend.actor());
            return "quarantined " + v.name() + " until " + Times.iso(v.quarantineUntil(), "released");
        }
    }

    /** {@code clients release NAME}. */
    @Command(name = "release", description = "End a client's quarantine.")
    static final class Release extends OnClient {
        @Override
        String apply(AdminService admin) {
            ClientView v = admin.release(name, CommandBackend.actor());
            return "released " + v.name();
        }
    }

    /** {@code clients limit NAME [--rate R] [--burst B] [--bytes-rate N]}. */
    @Command(name = "limit", description = "Set a client's own rate limits; leave an option out to use the gateway default.")
    static final class Limit extends OnClient {
        @Option(names = "--rate", paramLabel = "MSGS_PER_S")
        Double rate;

        @Option(names = "--burst", paramLabel = "MSGS")
        Integer burst;

        @Option(names = "--bytes-rate", paramLabel = "BYTES_PER_S")
        Long bytesRate;

        @Override
        String apply(AdminService admin) {
            ClientView v = admin.setLimits(name, new ClientLimits(rate, burst, bytesRate), CommandBackend.actor());
            return "limits of " + v.name() + ": " + describe(v.limits());
        }

        static String describe(ClientLimits l) {
            if (l == null || l.isDefault()) {
                return "gateway defaults";
            }
            return "rate " + (l.messagesPerSecond() == null ? "default" : l.messagesPerSecond() + "/s")
                    + ", burst " + (l.burst() == null ? "default" : l.burst())
                    + ", bytes " + (l.bytesPerSecond() == null ? "default" : l.bytesPerSecond() + "/s");
        }
    }

    /** {@code clients send NAME --type T --data D}: a push to a connected client. */
    @Command(name = "send", description = "Push a message to a connected client; fails clearly if it is not connected.")
    static final class Send implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--type", required = true, paramLabel = "TYPE")
        String type;

        @Option(names = "--data", required = true, paramLabel = "TEXT", description = "The payload, as UTF-8 text")
        String data;

        @Override
        public Integer call() {
            try (CommandBackend session = clients.session()) {
                session.admin().push(name, type, data.getBytes(java.nio.charset.StandardCharsets.UTF_8), CommandBackend.actor());
                System.out.println("pushed " + type + " to " + name);
            }
            return Main.OK;
        }
    }

    /** {@code clients pending}: the sensors enrolled on claims that wait for approval. */
    @Command(name = "pending", description = "List the sensors that enrolled on a claim and wait for approval.")
    static final class Pending implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Override
        public Integer call() {
            try (CommandBackend session = clients.session()) {
                String format = "%-24s %-6s %-40s %-22s %s%n";
                System.out.printf(format, "NAME", "CLAIM", "PUBLIC KEY", "FROM", "ENROLLED");
                for (org.edgegateway.keys.PendingClient p : session.admin().pendingClients()) {
                    System.out.printf(format, p.name(), p.claimId(), p.publicKey(),
                            p.address() == null ? "-" : p.address(), Times.iso(p.enrolledAt(), "-"));
                }
            }
            return Main.OK;
        }
    }

    /** {@code clients approve NAME}. */
    @Command(name = "approve", description = "Approve a pending sensor: admitted from now on.")
    static final class Approve extends OnClient {
        @Override
        String apply(AdminService admin) {
            ClientView v = admin.approve(name, CommandBackend.actor());
            return "approved " + v.name() + " " + v.publicKey();
        }
    }

    /** {@code clients reject NAME}. */
    @Command(name = "reject", description = "Reject a pending sensor: its key is revoked for good.")
    static final class Reject extends OnClient {
        @Override
        String apply(AdminService admin) {
            ClientView v = admin.reject(name, CommandBackend.actor());
            return "rejected " + v.name() + " " + v.publicKey();
        }
    }

    /** A sub-command on one client by NAME: it prints what {@link #apply} did, and when that takes effect. */
    abstract static class OnClient implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Parameters(paramLabel = "NAME")
        String name;

        abstract String apply(AdminService admin);

        @Override
        public Integer call() {
            try (CommandBackend session = clients.session()) {
                System.out.println(apply(session.admin()) + note(session));
            }
            return Main.OK;
        }
    }

    static String note(CommandBackend session) {
        return EnrolKeyCommand.note(session);
    }
}
