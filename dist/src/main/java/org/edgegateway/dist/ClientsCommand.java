package org.edgegateway.dist;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.config.Settings;
import org.edgegateway.keys.ClientBundleFiles;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientNames;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.edgegateway.keys.ZCertFiles;
import picocli.CommandLine.ArgGroup;
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
    static final class Add implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Parameters(paramLabel = "NAME", description = "Unique client name: letters, digits, '.', '_' or '-', up to 64")
        String name;

        @ArgGroup(multiplicity = "1")
        KeySource source;

        static final class KeySource {
            @Option(names = "--public-key", paramLabel = "Z85", description = "The client's public key (40 Z85 characters)")
            String publicKey;

            @ArgGroup(exclusive = false)
            Generate generate;
        }

        static final class Generate {
            @Option(names = "--generate", required = true,
                    description = "Generate a key pair; the secret is written to the bundle only, never kept by the gateway")
            boolean generate;

            @Option(names = "--out", required = true, paramLabel = "DIR",
                    description = "Folder for NAME.key, NAME.key_secret and server.key")
            Path out;
        }

        @Override
        public Integer call() throws IOException {
            ClientNames.requireValid(name);
            try (CommandBackend session = clients.session()) {
                if (source.publicKey != null) {
                    Z85.decodeKey(source.publicKey);
                    ClientView v = session.admin().enrol(name, source.publicKey, CommandBackend.actor());
                    System.out.println("enrolled " + v.name() + " " + v.publicKey() + note(session));
                    return Main.OK;
                }
                return generate(session, source.generate.out);
            }
        }

        private int generate(CommandBackend session, Path out) throws IOException {
            if (session.admin().client(name).isPresent()) {
                throw new AdminException(AdminException.Kind.CONFLICT, "client '" + name + "' is already enrolled");
            }
            String endpoint = session.admin().clientEndpoint();
            CurveKeyPair pair = writeBundle(name, session.admin().serverPublicKey(), endpoint, out,
                    key -> session.admin().enrol(name, key, CommandBackend.actor()));
            System.out.println("enrolled " + name + " " + pair.publicZ85() + note(session));
            printBundle(name, out, "gateway " + endpoint);
            return Main.OK;
        }
    }

    /**
     * Generates a key pair, writes its bundle (NAME.key, NAME.key_secret 0600, server.key naming
     * {@code endpoint}) into {@code out}, then enrols the public key with {@code enrol}; the files are
     * removed again when the enrolment fails. The secret stays in the bundle only.
     */
    static CurveKeyPair writeBundle(String name, String serverPublicKey, String endpoint, Path out,
                                    java.util.function.Consumer<String> enrol) throws IOException {
        CurveKeyPair pair = CurveKeyPair.generate();
        ClientBundleFiles bundle = ClientBundleFiles.of(name, pair, serverPublicKey, endpoint);
        try {
            bundle.writeTo(out);
        } catch (FileAlreadyExistsException e) {
            throw new AdminException(AdminException.Kind.CONFLICT, e.getFile() + " already exists; choose an empty folder");
        } finally {
            bundle.wipe();
        }
        try {
            enrol.accept(pair.publicZ85());
        } catch (RuntimeException e) {
            for (Path p : bundle.files(out)) {
                Files.deleteIfExists(p);
            }
            throw e;
        }
        return pair;
    }

    /** Says where the bundle of {@code name} went; {@code server} names what server.key points at. */
    static void printBundle(String name, Path out, String server) {
        System.out.println("bundle written to " + out.toAbsolutePath() + ": " + name + ZCertFiles.PUBLIC_SUFFIX + ", "
                + name + ZCertFiles.SECRET_SUFFIX + " (secret, mode 0600), " + ClientBundleFiles.SERVER_CERTIFICATE
                + " (" + server + ")");
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
                        v.lastSeen() == null ? "never" : DateTimeFormatter.ISO_INSTANT.format(v.lastSeen().truncatedTo(ChronoUnit.SECONDS)));
            }
        }
    }

    /** {@code clients revoke NAME}. */
    @Command(name = "revoke", description = "Revoke a client: refused from now on, cut off if connected.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (CommandBackend session = clients.session()) {
                ClientView v = session.admin().revoke(name, CommandBackend.actor());
                System.out.println("revoked " + v.name() + note(session));
            }
            return Main.OK;
        }
    }

    /** {@code clients quarantine NAME [--for DURATION] [--reason TEXT]}. */
    @Command(name = "quarantine", description = "Quarantine a client: its key is refused until released or expired.")
    static final class Quarantine implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--for", paramLabel = "DURATION", description = "e.g. 15m, 2h; default: until released")
        String duration;

        @Option(names = "--reason", defaultValue = "manual", description = "Recorded in the audit log")
        String reason;

        @Override
        public Integer call() {
            Duration d = duration == null ? null : Settings.duration(duration);
            try (CommandBackend session = clients.session()) {
                ClientView v = session.admin().quarantine(name, reason, d, CommandBackend.actor());
                System.out.println("quarantined " + v.name() + (v.quarantineUntil() == null ? " until released"
                        : " until " + v.quarantineUntil()) + note(session));
            }
            return Main.OK;
        }
    }

    /** {@code clients release NAME}. */
    @Command(name = "release", description = "End a client's quarantine.")
    static final class Release implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (CommandBackend session = clients.session()) {
                ClientView v = session.admin().release(name, CommandBackend.actor());
                System.out.println("released " + v.name() + note(session));
            }
            return Main.OK;
        }
    }

    /** {@code clients limit NAME [--rate R] [--burst B] [--bytes-rate N]}. */
    @Command(name = "limit", description = "Set a client's own rate limits; leave an option out to use the gateway default.")
    static final class Limit implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--rate", paramLabel = "MSGS_PER_S")
        Double rate;

        @Option(names = "--burst", paramLabel = "MSGS")
        Integer burst;

        @Option(names = "--bytes-rate", paramLabel = "BYTES_PER_S")
        Long bytesRate;

        @Override
        public Integer call() {
            try (CommandBackend session = clients.session()) {
                ClientView v = session.admin().setLimits(name, new ClientLimits(rate, burst, bytesRate), CommandBackend.actor());
                System.out.println("limits of " + v.name() + ": " + describe(v.limits()) + note(session));
            }
            return Main.OK;
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
                            p.address() == null ? "-" : p.address(), ClaimsCommand.instant(p.enrolledAt()));
                }
            }
            return Main.OK;
        }
    }

    /** {@code clients approve NAME}. */
    @Command(name = "approve", description = "Approve a pending sensor: admitted from now on.")
    static final class Approve implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (CommandBackend session = clients.session()) {
                ClientView v = session.admin().approve(name, CommandBackend.actor());
                System.out.println("approved " + v.name() + " " + v.publicKey() + note(session));
            }
            return Main.OK;
        }
    }

    /** {@code clients reject NAME}. */
    @Command(name = "reject", description = "Reject a pending sensor: its key is revoked for good.")
    static final class Reject implements Callable<Integer> {
        @ParentCommand
        ClientsCommand clients;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (CommandBackend session = clients.session()) {
                ClientView v = session.admin().reject(name, CommandBackend.actor());
                System.out.println("rejected " + v.name() + " " + v.publicKey() + note(session));
            }
            return Main.OK;
        }
    }

    static String note(CommandBackend session) {
        return session.live() ? "" : " (gateway not running: takes effect at its next start)";
    }
}
