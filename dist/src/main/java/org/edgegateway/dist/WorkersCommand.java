package org.edgegateway.dist;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.WorkerInfo;
import org.edgegateway.core.workers.WorkerView;
import org.edgegateway.keys.Z85;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code workers}: enrol, list and revoke the keys of external workers (docs/PROTOCOL.md, "Workers"). */
@Command(name = "workers", description = "Keys of external workers that serve message types over CURVE.",
        subcommands = {WorkersCommand.Add.class, WorkersCommand.ListWorkers.class, WorkersCommand.Revoke.class})
final class WorkersCommand {
    @ParentCommand
    Main main;

    CommandBackend session() {
        return CommandBackend.open(main.home());
    }

    /** {@code workers add NAME (--public-key Z85 | --generate --out DIR)}. */
    @Command(name = "add", description = "Enrol a worker's CURVE public key, or generate a key pair and a bundle for it.")
    static final class Add extends EnrolKeyCommand {
        Add() {
            super("worker");
        }

        @Override
        String enrol(AdminService admin, String publicKey) {
            return admin.enrolWorker(name, publicKey, CommandBackend.actor()).publicKey();
        }

        @Override
        String endpoint(AdminService admin) {
            String endpoint = admin.workerEndpoint();
            if (endpoint.isEmpty()) {
                throw new AdminException(AdminException.Kind.CONFLICT,
                        "workers are off (workers.enabled=false): there is no endpoint to write into the bundle");
            }
            return endpoint;
        }
    }

    /** {@code workers list}. */
    @Command(name = "list", description = "List worker keys: connected or not, types, in flight, served, failed, last heartbeat.")
    static final class ListWorkers implements Callable<Integer> {
        @ParentCommand
        WorkersCommand workers;

        @Override
        public Integer call() {
            try (CommandBackend session = workers.session()) {
                print(System.out, session.admin().workers(), session.live());
            }
            return Main.OK;
        }

        static void print(PrintStream out, List<WorkerInfo> all, boolean live) {
            String format = "%-20s %-8s %-14s %-22s %-24s %-7s %9s %7s %9s %7s  %s%n";
            out.printf(format, "NAME", "STATUS", "CONNECTED", "PEER", "TYPES", "MODE", "IN FLIGHT", "WINDOW", "SERVED",
                    "FAILED", "LAST HEARTBEAT");
            for (WorkerInfo w : all) {
                if (w.connections().isEmpty()) {
                    out.printf(format, w.name(), w.status(), live ? "no" : "gateway down", "-", "-", "-", "-", "-", "-", "-",
                            "-");
                }
                for (WorkerView c : w.connections()) {
                    out.printf(format, w.name(), w.status(), "yes", c.peerAddress(), String.join(",", c.types()),
                            c.batched() ? "batched" : "classic", c.inFlight(), c.window(), c.served(), c.failed(),
                            Times.iso(c.lastHeartbeat(), "-"));
                }
            }
        }
    }

    /** {@code workers revoke NAME}. */
    @Command(name = "revoke", description = "Revoke a worker key: its connections are cut at once and refused from then on.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        WorkersCommand workers;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (CommandBackend session = workers.session()) {
                WorkerInfo w = session.admin().revokeWorker(name, CommandBackend.actor());
                System.out.println("revoked worker " + w.name() + ClientsCommand.note(session));
            }
            return Main.OK;
        }
    }
}
