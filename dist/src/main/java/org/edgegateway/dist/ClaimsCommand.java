package org.edgegateway.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.ClaimFile;
import org.edgegateway.core.admin.ClaimView;
import org.edgegateway.core.admin.NewClaim;
import org.edgegateway.core.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code claims}: enrolment claims, on which sensors enrol keys they make themselves (docs/PROTOCOL.md,
 * "Enrolment"). Works on a running gateway and on a stopped one, like every command.
 */
@Command(name = "claims", description = "Enrolment claims: sensors enrol their own keys (create, list, revoke).",
        subcommands = {ClaimsCommand.Create.class, ClaimsCommand.ListClaims.class, ClaimsCommand.Revoke.class})
final class ClaimsCommand {
    @ParentCommand
    Main main;

    CommandBackend session() {
        return CommandBackend.open(main.home());
    }

    /** {@code claims create PREFIX --uses N --expires D [--approve auto|manual] --out FILE}. */
    @Command(name = "create", description = "Make a claim and write its file (mode 0600): the secret is in it"
            + " and nowhere else; the gateway keeps only its hash.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        ClaimsCommand claims;

        @Parameters(paramLabel = "PREFIX", description = "Names enrolled on the claim start with it, e.g. site1-")
        String prefix;

        @Option(names = "--uses", required = true, paramLabel = "N", description = "How many sensors may enrol on it")
        int uses;

        @Option(names = "--expires", required = true, paramLabel = "DURATION",
                description = "How long it stays valid, e.g. 24h or 7d (at most 366d)")
        String expires;

        @Option(names = "--approve", paramLabel = "auto|manual", defaultValue = "auto",
                description = "auto: enrolled sensors are admitted at once; manual: each waits for"
                        + " 'clients approve NAME'; default ${DEFAULT-VALUE}")
        String approve;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The claim file to write (new)")
        Path out;

        @Override
        public Integer call() throws IOException {
            boolean manual = switch (approve) {
                case "auto" -> false;
                case "manual" -> true;
                default -> throw new IllegalArgumentException("--approve must be auto or manual, got '" + approve + "'");
            };
            Duration validFor;
            try {
                validFor = Settings.duration(expires);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--expires: " + e.getMessage());
            }
            if (Files.exists(out)) {
                throw new AdminException(AdminException.Kind.CONFLICT, out + " already exists; choose a new file");
            }
            try (CommandBackend session = claims.session()) {
                NewClaim c = session.admin().createClaim(prefix, uses, validFor, manual, CommandBackend.actor());
                try {
                    SecretFiles.writeNew(out, ClaimFile.format(c));
                } catch (IOException e) {
                    // The secret is lost with the file: a claim nobody holds must not stay valid.
                    session.admin().revokeClaim(c.claim().id(), CommandBackend.actor());
                    throw new IOException("cannot write " + out + " (claim " + c.claim().id() + " revoked): " + e, e);
                }
                ClaimView v = c.claim();
                System.out.println("claim " + v.id() + ": " + v.uses() + " sensors named " + v.prefix() + "..., "
                        + v.approval() + " approval, until " + Times.iso(v.expiresAt(), "-") + ClientsCommand.note(session));
                System.out.println("claim file written to " + out.toAbsolutePath() + " (mode 0600; enrolment at "
                        + c.enrolEndpoint() + "); its secret is shown nowhere else");
            }
            return Main.OK;
        }
    }

    /** {@code claims list}. */
    @Command(name = "list", description = "List claims with their uses left and state.")
    static final class ListClaims implements Callable<Integer> {
        @ParentCommand
        ClaimsCommand claims;

        @Override
        public Integer call() {
            try (CommandBackend session = claims.session()) {
                String format = "%-6s %-20s %-10s %-8s %-9s %s%n";
                System.out.printf(format, "ID", "PREFIX", "USES LEFT", "APPROVE", "STATE", "EXPIRES");
                for (ClaimView v : session.admin().claims()) {
                    System.out.printf(format, v.id(), v.prefix(), v.usesLeft() + "/" + v.uses(), v.approval(), v.state(),
                            Times.iso(v.expiresAt(), "-"));
                }
            }
            return Main.OK;
        }
    }

    /** {@code claims revoke ID}. */
    @Command(name = "revoke", description = "Revoke a claim: it enrols nobody from now on (enrolled sensors stay).")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        ClaimsCommand claims;

        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public Integer call() {
            try (CommandBackend session = claims.session()) {
                ClaimView v = session.admin().revokeClaim(id, CommandBackend.actor());
                System.out.println("revoked claim " + v.id() + " (" + v.prefix() + ", " + v.usesLeft() + " of " + v.uses()
                        + " uses left)" + ClientsCommand.note(session));
            }
            return Main.OK;
        }
    }
}
