package org.edgegateway.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.config.GatewayHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code backup FILE}: one zip with everything needed to bring the gateway back: a consistent copy of
 * the key store (taken by the running gateway itself when it runs, and sent to this process over the
 * control socket), the server key pair and the admin UI certificate, the configuration and the
 * installed plugins. This process writes FILE, so it works wherever the user running the command may
 * write, whatever sandbox the gateway runs in. The file is owner-only: it holds the server's secret key.
 */
@Command(name = "backup", description = "Back up the key store, keys, configuration and plugins into FILE (works while the gateway runs).")
final class BackupCommand implements Callable<Integer> {
    /** The folders of a home that a backup carries, besides the key store. */
    static final List<String> FOLDERS = List.of("keys", "conf", "plugins");
    static final String STORE_ENTRY = "keystore.zip";
    static final String MANIFEST_ENTRY = "backup.properties";
    static final String HOME_PREFIX = "home/";

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "FILE", description = "The backup file to create (a zip; must not exist)")
    Path file;

    @Override
    public Integer call() throws IOException {
        GatewayHome home = main.home();
        if (!home.exists()) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "no gateway home at " + home);
        }
        Path target = file.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new AdminException(AdminException.Kind.CONFLICT, target + " already exists; choose a new name");
        }
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory(dir, ".egw-backup-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Path store = work.resolve(STORE_ENTRY);
            boolean live;
            // A running gateway sends the copy over its control socket and this process writes it: the
            // gateway, sandboxed by its systemd unit, cannot write outside its home (docs/API.md).
            try (CommandBackend session = CommandBackend.open(home);
                 OutputStream out = Files.newOutputStream(Files.createFile(store,
                         PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))))) {
                live = session.live();
                session.admin().backupStore(out, target.toString(), CommandBackend.actor());
            }
            Path zip = work.resolve("backup.zip");
            try (OutputStream out = Files.newOutputStream(Files.createFile(zip,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
                 ZipOutputStream z = new ZipOutputStream(out)) {
                Properties manifest = new Properties();
                manifest.setProperty("created", Instant.now().toString());
                manifest.setProperty("server-public-key", GatewayApp.serverKeys(home).publicZ85());
                manifest.setProperty("taken-while-running", Boolean.toString(live));
                manifest.setProperty("version", String.valueOf(Main.class.getPackage().getImplementationVersion()));
                z.putNextEntry(new ZipEntry(MANIFEST_ENTRY));
                manifest.store(z, "Edge Gateway backup");
                z.closeEntry();
                add(z, store, STORE_ENTRY);
                for (String folder : FOLDERS) {
                    Path root = home.root().resolve(folder);
                    if (!Files.isDirectory(root)) {
                        continue;
                    }
                    try (Stream<Path> files = Files.walk(root)) {
                        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                            add(z, f, HOME_PREFIX + home.root().relativize(f).toString().replace('\\', '/'));
                        }
                    }
                }
            }
            try {
                Files.move(zip, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                throw new AdminException(AdminException.Kind.CONFLICT, target + " already exists; choose a new name");
            }
            System.out.println("backed up " + home + " to " + target + (live ? " (while the gateway was running)" : ""));
            return Main.OK;
        } finally {
            try (Stream<Path> left = Files.walk(work)) {
                for (Path p : (Iterable<Path>) left.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void add(ZipOutputStream z, Path file, String name) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(z);
        }
        z.closeEntry();
    }
}
