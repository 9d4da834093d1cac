package org.edgegateway.dist;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.web.ApiTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code tokens}: API tokens for automation against the admin REST API. */
@Command(name = "tokens", description = "API tokens for the admin REST API.", subcommands = TokensCommand.Create.class)
final class TokensCommand {
    @ParentCommand
    Main main;

    /** {@code tokens create NAME}: prints the token once; only its hash is stored. */
    @Command(name = "create", description = "Create an API token and print it once (only its hash is kept).")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TokensCommand tokens;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (AdminSession session = AdminSession.open(tokens.main.home())) {
                var store = session.store().orElseThrow(() -> new AdminException(AdminException.Kind.UNAVAILABLE,
                        "the gateway is running: create tokens in the admin UI (Settings > Tokens), or stop it first"));
                String token = new ApiTokens(store, Clock.systemUTC()).create(name, AdminSession.actor());
                System.out.println(token);
            }
            return Main.OK;
        }
    }
}
