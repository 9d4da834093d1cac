package org.edgegateway.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.protocol.Zpl;

/**
 * Writes a client bundle on the sensor: {@code NAME.key}, {@code NAME.key_secret} (mode 0600 from its
 * first byte) and {@code server.key}, in the ZPL certificate format that {@link ClientBundle#load}, the
 * gateway's {@code clients add --generate} and pyzmq's {@code zmq.auth} share, through the one
 * reader and writer of that format, {@link Zpl} (the gateway's {@code ZCertFiles} uses it too).
 * Never replaces a file. Stateless, thread-safe.
 */
final class BundleFiles {
    static final String PUBLIC_SUFFIX = ".key";
    static final String SECRET_SUFFIX = ".key_secret";

    private BundleFiles() {
    }

    /** The three files of {@code name}'s bundle in {@code dir}. */
    static List<Path> files(Path dir, String name) {
        return List.of(dir.resolve(name + PUBLIC_SUFFIX), dir.resolve(name + SECRET_SUFFIX),
                dir.resolve(ClientBundle.SERVER_CERTIFICATE));
    }

    /**
     * Writes the bundle, creating {@code dir} (mode 0700) when missing; refuses, writing nothing, when any
     * of its files exists.
     *
     * @param endpoint the sensors' endpoint, kept in {@code server.key}'s metadata
     * @throws FileAlreadyExistsException naming the file that exists
     */
    static void write(Path dir, String name, String publicZ85, String secretZ85, String serverZ85, String endpoint,
                      Clock clock) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, posix(dir.toAbsolutePath().getParent()) ? new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                    : new FileAttribute<?>[0]);
        }
        List<Path> files = files(dir, name);
        for (Path f : files) {
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(f.toString(), null, "refusing to overwrite a bundle file");
            }
        }
        String when = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        Map<String, String> metadata = Map.of("name", name);
        boolean done = false;
        try {
            create(files.get(1), Zpl.certificate(when, metadata, publicZ85, secretZ85), "rw-------");
            create(files.get(0), Zpl.certificate(when, metadata, publicZ85, null), "rw-r--r--");
            create(files.get(2), Zpl.certificate(when, Map.of("endpoint", endpoint), serverZ85, null), "rw-r--r--");
            done = true;
        } finally {
            if (!done) {
                delete(dir, name);
            }
        }
    }

    /** Deletes the bundle's files (after a refused enrolment). */
    static void delete(Path dir, String name) throws IOException {
        for (Path f : files(dir, name)) {
            Files.deleteIfExists(f);
        }
    }

    /**
     * The properties of a certificate file as {@code "section/name" -> value} (for example
     * {@code "curve/public-key"}).
     *
     * @throws BundleException when the file cannot be read or a line is not ZPL, naming file and line
     */
    static Map<String, String> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BundleException("cannot read certificate " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        try {
            for (Zpl.Property p : Zpl.parse(text)) {
                properties.putIfAbsent(p.path(), p.value());
            }
        } catch (Zpl.FormatException e) {
            throw new BundleException(file + " line " + e.line() + ": " + e.getMessage());
        }
        return properties;
    }

    private static void create(Path file, String text, String mode) throws IOException {
        FileAttribute<?>[] attrs = posix(file.toAbsolutePath().getParent())
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))}
                : new FileAttribute<?>[0];
        Files.createFile(file, attrs);
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static boolean posix(Path dir) {
        return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
