package org.edgegateway.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.AdminUserView;
import org.edgegateway.keys.AdminRole;
import org.edgegateway.web.AdminPasswords;
import org.edgegateway.web.PasswordHasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code admins}: the admin users of the UI and the API, each an admin or a viewer. Like every
 * command it works on a running gateway (through its control socket; a disabled or reset admin's
 * sessions end at once) and on a stopped one (on its key store). A new password is made and hashed
 * here, as the UI does, and shown once: printed alone on standard output, or written to a new
 * owner-only file with {@code --password-file}; its owner must replace it at the first login.
 */
@Command(name = "admins", description = "Admin users of the UI and the API (list, add, disable, enable, reset, role).",
        subcommands = {AdminsCommand.ListAdmins.class, AdminsCommand.Add.class, AdminsCommand.Disable.class,
                AdminsCommand.Enable.class, AdminsCommand.Reset.class, AdminsCommand.Role.class})
final class AdminsCommand {
    @ParentCommand
    Main main;

    CommandBackend session() {
        return CommandBackend.open(main.home());
    }

    /** {@code admins list}. */
    @Command(name = "list", description = "List the admin users: role, state, last login, password state.")
    static final class ListAdmins implements Callable<Integer> {
        @ParentCommand
        AdminsCommand admins;

        @Override
        public Integer call() {
            try (CommandBackend session = admins.session()) {
                String format = "%-24s %-7s %-30s %-21s %-21s %s%n";
                System.out.printf(format, "NAME", "ROLE", "STATE", "CREATED", "LAST LOGIN", "PASSWORD");
                for (AdminUserView u : session.admin().adminUsers()) {
                    System.out.printf(format, u.name(), u.role().label(),
                            u.enabled() ? "enabled" : "disabled " + Times.iso(u.disabledAt(), "-"),
                            Times.iso(u.createdAt(), "-"), Times.iso(u.lastLoginAt(), "never"),
                            u.mustChangePassword() ? "must be changed" : "set by its owner");
                }
            }
            return Main.OK;
        }
    }

    /** {@code admins add NAME [--role admin|viewer] [--password-file FILE]}. */
    @Command(name = "add", description = "Add an admin user with a new password, shown once; it must be changed"
            + " at the first login.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        AdminsCommand admins;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--role", paramLabel = "ROLE", defaultValue = "viewer",
                description = "admin (everything, the admin users included) or viewer (reads all but the admin"
                        + " users, changes nothing); default ${DEFAULT-VALUE}")
        String role;

        @Mixin
        NewPassword password;

        @Override
        public Integer call() throws IOException {
            AdminRole r = AdminRole.parse(role);
            String hash = password.make();
            try (CommandBackend session = admins.session()) {
                AdminUserView made = session.admin().createAdminUser(name, r, hash, CommandBackend.actor());
                password.deliver(made.name(), "added " + made.role().label() + " " + made.name()
                        + ClientsCommand.note(session));
            }
            return Main.OK;
        }
    }

    /** {@code admins disable NAME} and {@code admins enable NAME}: whether one admin user may log in. */
    abstract static class Switch implements Callable<Integer> {
        @ParentCommand
        AdminsCommand admins;

        @Parameters(paramLabel = "NAME")
        String name;

        /** What was done, as the output says it: {@code disabled} or {@code enabled}. */
        abstract String done();

        abstract AdminUserView apply(AdminService admin, String name, Actor actor);

        @Override
        public Integer call() {
            try (CommandBackend session = admins.session()) {
                AdminUserView u = apply(session.admin(), name, CommandBackend.actor());
                System.out.println(done() + " " + u.role().label() + " " + u.name() + ClientsCommand.note(session));
            }
            return Main.OK;
        }
    }

    /** {@code admins disable NAME}. */
    @Command(name = "disable", description = "Disable an admin user: it cannot log in, its sessions end at once."
            + " The last enabled admin cannot be disabled.")
    static final class Disable extends Switch {
        @Override
        String done() {
            return "disabled";
        }

        @Override
        AdminUserView apply(AdminService admin, String name, Actor actor) {
            return admin.disableAdminUser(name, actor);
        }
    }

    /** {@code admins enable NAME}. */
    @Command(name = "enable", description = "Enable a disabled admin user again, with its password and role.")
    static final class Enable extends Switch {
        @Override
        String done() {
            return "enabled";
        }

        @Override
        AdminUserView apply(AdminService admin, String name, Actor actor) {
            return admin.enableAdminUser(name, actor);
        }
    }

    /** {@code admins reset NAME [--password-file FILE]}. */
    @Command(name = "reset", description = "Give an admin user a new password, shown once: its sessions end, and"
            + " it must change the password at its next login.")
    static final class Reset implements Callable<Integer> {
        @ParentCommand
        AdminsCommand admins;

        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        NewPassword password;

        @Override
        public Integer call() throws IOException {
            String hash = password.make();
            try (CommandBackend session = admins.session()) {
                AdminUserView u = session.admin().resetAdminPassword(name, hash, CommandBackend.actor());
                password.deliver(u.name(), "reset the password of " + u.name() + ClientsCommand.note(session));
            }
            return Main.OK;
        }
    }

    /** {@code admins role NAME ROLE}. */
    @Command(name = "role", description = "Give an admin user another role (admin or viewer); its sessions have it"
            + " from their next request. The last enabled admin stays an admin.")
    static final class Role implements Callable<Integer> {
        @ParentCommand
        AdminsCommand admins;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "ROLE", description = "admin or viewer")
        String role;

        @Override
        public Integer call() {
            AdminRole r = AdminRole.parse(role);
            try (CommandBackend session = admins.session()) {
                AdminUserView u = session.admin().setAdminRole(name, r, CommandBackend.actor());
                System.out.println(u.name() + " now has role " + u.role().label() + ClientsCommand.note(session));
            }
            return Main.OK;
        }
    }

    /**
     * The new password of {@code add} and {@code reset}: made and hashed here, as the UI does, and shown
     * once, alone on standard output (so that {@code PW=$(edge-gateway admins add bob)} works) or in a
     * new owner-only file. Used by one thread.
     */
    static final class NewPassword {
        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Write the password to this new file (mode 0600) instead of standard output")
        Path file;

        private String password;

        /** Makes the password and returns its hash; refuses a password file that exists, before anything changes. */
        String make() {
            if (file != null && Files.exists(file)) {
                throw new AdminException(AdminException.Kind.CONFLICT, file + " already exists; choose a new file");
            }
            password = AdminPasswords.generate();
            char[] chars = password.toCharArray();
            try {
                return new PasswordHasher().hash(chars);
            } finally {
                Arrays.fill(chars, '\0');
            }
        }

        /** Shows the password of {@code name} once, and {@code done} (on standard error beside a printed password). */
        void deliver(String name, String done) throws IOException {
            if (file == null) {
                System.out.println(password);
                System.err.println(done + "; its password is shown only this once and must be changed at the first login");
                return;
            }
            try {
                SecretFiles.writeNew(file, password + "\n");
            } catch (IOException | AdminException e) {
                throw new IOException("cannot write " + file + ": " + e.getMessage() + "; the password of " + name
                        + " is lost: reset it again", e);
            }
            System.out.println(done + "; its password is in " + file.toAbsolutePath()
                    + " (mode 0600) and must be changed at the first login");
        }
    }
}
