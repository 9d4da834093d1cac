package org.edgegateway.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.control.ControlClient;
import org.edgegateway.keys.KeyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code restore FILE}: brings a backup back into an empty home: the same server key, enrolments,
 * quarantines, tokens and admin users. Refuses a home that holds anything unless {@code --force},
 * which first moves the existing state aside into {@code HOME/pre-restore-<time>/} (nothing is deleted).
 */
@Command(name = "restore", description = "Restore a backup into an empty home (--force: move the current state aside first).")
final class RestoreCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "FILE", description = "A file written by `edge-gateway backup`")
    Path file;

    @Option(names = "--force", description = "Restore over a home that is not empty, keeping its current state in HOME/pre-restore-TIME/")
    boolean force;

    @Override
    public Integer call() throws IOException {
        GatewayHome home = main.home();
        if (!Files.isRegularFile(file)) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "no backup file at " + file);
        }
        if (ControlClient.reachable(home.controlSocket())) {
            throw new AdminException(AdminException.Kind.CONFLICT, "a gateway is running on " + home + "; stop it before restoring");
        }
        Properties manifest = manifest(file);
        if (!isEmpty(home)) {
            if (!force) {
                throw new AdminException(AdminException.Kind.CONFLICT, home + " is not empty; restore into a new home (--home DIR), or add --force to move its current state aside first");
            }
            moveAside(home);
        }
        Files.createDirectories(home.root());
        Path storeZip = Files.createTempFile(home.root(), ".restore-", ".zip",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (e.isDirectory()) {
                        continue;
                    }
                    if (e.getName().equals(BackupCommand.STORE_ENTRY)) {
                        try (var out = Files.newOutputStream(storeZip)) {
                            zip.transferTo(out);
                        }
                    } else if (e.getName().startsWith(BackupCommand.HOME_PREFIX)) {
                        Path target = home.root().resolve(e.getName().substring(BackupCommand.HOME_PREFIX.length())).normalize();
                        if (!target.startsWith(home.root()) || target.equals(home.root())) {
                            throw new AdminException(AdminException.Kind.INVALID, file + " has an entry outside the home: " + e.getName());
                        }
                        Files.createDirectories(target.getParent());
                        Files.copy(zip, target);
                        if (target.getFileName().toString().endsWith("_secret") || target.startsWith(home.keys())) {
                            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
                        }
                    }
                }
            }
            home.create(GatewayApp.knownSettings());
            KeyStore.restore(storeZip, home.data());
        } finally {
            Files.deleteIfExists(storeZip);
        }
        System.out.println("restored " + file + " (taken " + manifest.getProperty("created") + ", server key "
                + manifest.getProperty("server-public-key") + ") into " + home);
        return Main.OK;
    }

    private static Properties manifest(Path file) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(BackupCommand.MANIFEST_ENTRY)) {
                    Properties p = new Properties();
                    p.load((InputStream) zip);
                    return p;
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new AdminException(AdminException.Kind.INVALID, file + " is not an Edge Gateway backup: " + e.getMessage());
        }
        throw new AdminException(AdminException.Kind.INVALID, file + " is not an Edge Gateway backup (no " + BackupCommand.MANIFEST_ENTRY + ")");
    }

    private static boolean isEmpty(GatewayHome home) throws IOException {
        if (!Files.exists(home.root())) {
            return true;
        }
        try (Stream<Path> files = Files.walk(home.root())) {
            return files.noneMatch(Files::isRegularFile);
        }
    }

    private static void moveAside(GatewayHome home) throws IOException {
        Path aside = home.root().resolve("pre-restore-" + Instant.now().toString().replace(':', '-'));
        Files.createDirectories(aside);
        for (String folder : new String[] {"conf", "data", "keys", "plugins"}) {
            Path p = home.root().resolve(folder);
            if (Files.exists(p)) {
                Files.move(p, aside.resolve(folder));
            }
        }
        System.out.println("moved the current state of " + home + " to " + aside);
    }
}
