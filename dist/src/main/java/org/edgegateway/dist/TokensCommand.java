package org.edgegateway.dist;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.ApiTokenView;
import org.edgegateway.core.admin.NewApiToken;
import org.edgegateway.core.config.Settings;
import org.edgegateway.keys.TokenScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tokens}: API tokens for automation against the admin REST API. Like every command it works
 * on a running gateway (through its control socket) and on a stopped one (on its key store).
 */
@Command(name = "tokens", description = "API tokens for the admin REST API (create, list, revoke).",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
final class TokensCommand {
    @ParentCommand
    Main main;

    /**
     * {@code tokens create NAME [--scope S] [--expires-in D]}: prints the token alone on standard
     * output, once (only its hash is stored), so that {@code TOKEN=$(edge-gateway tokens create ci)} works.
     */
    @Command(name = "create", description = "Create an API token and print it once (only its hash is kept).")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--scope", paramLabel = "SCOPE", defaultValue = "admin",
                description = "admin (everything, tokens included), read-only (every GET, /metrics) or metrics"
                        + " (/metrics only); default ${DEFAULT-VALUE}")
        String scope;

        @Option(names = "--expires-in", paramLabel = "DURATION",
                description = "Stop working after this long, e.g. 12h or 90d; default: until revoked")
        String expiresIn;

        @Override
        public Integer call() {
            TokenScope s = TokenScope.parse(scope);
            Instant expiresAt = null;
            if (expiresIn != null) {
                Duration d;
                try {
                    d = Settings.duration(expiresIn);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--expires-in: " + e.getMessage());
                }
                if (d.isZero()) {
                    throw new IllegalArgumentException("--expires-in must be longer than 0");
                }
                expiresAt = Instant.now().plus(d);
            }
            try (CommandBackend session = CommandBackend.open(tokens.main.home())) {
                NewApiToken made = session.admin().createApiToken(name, s, expiresAt, CommandBackend.actor());
                System.out.println(made.secret());
                System.err.println("API token " + name + " (scope " + s.label() + ", "
                        + (made.token().expiresAt() == null ? "no expiry" : "expires " + Times.iso(made.token().expiresAt(), "never"))
                        + "): shown only this once");
            }
            return Main.OK;
        }
    }

    /** {@code tokens list}: every token with its scope, expiry, last use and state; never the tokens. */
    @Command(name = "list", description = "List the API tokens (never the tokens themselves).")
    static final class ListTokens implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Override
        public Integer call() {
            try (CommandBackend session = CommandBackend.open(tokens.main.home())) {
                String format = "%-24s %-10s %-21s %-21s %-21s %s%n";
                System.out.printf(format, "NAME", "SCOPE", "CREATED", "EXPIRES", "LAST USED", "STATE");
                Instant now = Instant.now();
                for (ApiTokenView t : session.admin().apiTokens()) {
                    String state = t.revokedAt() != null ? "revoked " + Times.iso(t.revokedAt(), "-")
                            : t.usableAt(now) ? "active" : "expired";
                    System.out.printf(format, t.name(), t.scope().label(), Times.iso(t.createdAt(), "-"),
                            Times.iso(t.expiresAt(), "never"), Times.iso(t.lastUsedAt(), "never"), state);
                }
            }
            return Main.OK;
        }
    }

    /** {@code tokens revoke NAME}: the token stops working at once. */
    @Command(name = "revoke", description = "Revoke an API token: it stops working at once.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (CommandBackend session = CommandBackend.open(tokens.main.home())) {
                session.admin().revokeApiToken(name, CommandBackend.actor());
                System.out.println("API token " + name + " revoked");
            }
            return Main.OK;
        }
    }
}
